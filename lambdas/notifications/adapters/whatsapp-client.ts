/** The Graph API version this code was written against; Meta keeps each for about two years. */
export const GRAPH_API_VERSION = 'v21.0';

export type WhatsAppPayload =
  | { readonly type: 'template'; readonly name: string; readonly languageCode: string; readonly parameters: readonly string[] }
  | { readonly type: 'text'; readonly body: string };

/**
 * What came of a send: accepted with its id; refused with Meta's error code (a definite no); or
 * no answer at all (`unknown`), where Meta may have the message, so it must not be sent again.
 */
export type WhatsAppSendResult =
  | { readonly outcome: 'accepted'; readonly messageId: string }
  | { readonly outcome: 'refused'; readonly httpStatus: number; readonly code?: number; readonly message: string }
  | { readonly outcome: 'unknown'; readonly error: string };

/**
 * The WhatsApp Cloud API's messages endpoint. No SDK: Meta's own Node SDK is archived, and the
 * endpoint is one POST whose contract is small and stable.
 */
export class WhatsAppClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(sender: { phoneNumberId: string; accessToken: string }, to: string, payload: WhatsAppPayload): Promise<WhatsAppSendResult> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.replace(/^\+/, ''),
      ...(payload.type === 'template'
        ? {
            type: 'template',
            template: {
              name: payload.name,
              language: { code: payload.languageCode },
              components: [{ type: 'body', parameters: payload.parameters.map((text) => ({ type: 'text', text })) }],
            },
          }
        : { type: 'text', text: { preview_url: true, body: payload.body } }),
    };
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/${GRAPH_API_VERSION}/${sender.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return { outcome: 'unknown', error: error instanceof Error ? error.message : String(error) };
    }
    const text = await response.text();
    const parsed = safeJson(text) as { messages?: { id?: string }[]; error?: { code?: number; message?: string } } | undefined;
    const messageId = parsed?.messages?.[0]?.id;
    if (response.ok && messageId) return { outcome: 'accepted', messageId };
    if (response.ok) return { outcome: 'unknown', error: `HTTP ${response.status} without a message id` };
    return { outcome: 'refused', httpStatus: response.status, code: parsed?.error?.code, message: parsed?.error?.message ?? text.slice(0, 200) };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Each brand's WhatsApp business number and the token that sends from it (one secret per brand, under a common prefix). */
export class BrandWhatsAppNumbers {
  constructor(
    private readonly secrets: { require(name: string): Promise<string> },
    private readonly tokenSecretPrefix: string,
  ) {}

  async of(brand: { readonly id: string; readonly senders: { readonly whatsapp: { readonly phoneNumberId: string } } }): Promise<{ phoneNumberId: string; accessToken: string }> {
    return { phoneNumberId: brand.senders.whatsapp.phoneNumberId, accessToken: await this.secrets.require(`${this.tokenSecretPrefix}${brand.id}`) };
  }
}
