import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';

export interface Email {
  readonly from: { readonly email: string; readonly name: string };
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly categories: readonly string[];
  /** String values only: SendGrid refuses any other. They come back on every event of the message. */
  readonly customArgs: Readonly<Record<string, string>>;
}

export type EmailSendResult =
  | { readonly outcome: 'accepted'; readonly messageId: string }
  | { readonly outcome: 'refused'; readonly httpStatus: number; readonly message: string }
  | { readonly outcome: 'unknown'; readonly error: string };

/**
 * SendGrid's v3 mail send through its own library (@sendgrid/mail 8). The base URL is set after
 * the API key, because in v8 `setApiKey` resets it (the local simulator lives at another URL).
 */
export class SendGridSender {
  private readonly mail = new MailService();
  private configuredKey: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(apiKey: string, email: Email): Promise<EmailSendResult> {
    this.configure(apiKey);
    try {
      const [response] = await this.mail.send({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        categories: [...email.categories],
        customArgs: { ...email.customArgs },
      });
      const header = response.headers['x-message-id'] as string | undefined;
      if (!header) return { outcome: 'unknown', error: `HTTP ${response.statusCode} without X-Message-Id` };
      return { outcome: 'accepted', messageId: header };
    } catch (error) {
      const failure = error as { code?: number; response?: { body?: unknown }; message?: string };
      // An HTTP answer has a numeric status; anything else (timeout, reset) left the outcome unknown.
      if (typeof failure.code === 'number' && failure.code >= 400) {
        return { outcome: 'refused', httpStatus: failure.code, message: JSON.stringify(failure.response?.body ?? failure.message ?? '').slice(0, 300) };
      }
      return { outcome: 'unknown', error: failure.message ?? String(error) };
    }
  }

  private configure(apiKey: string): void {
    if (this.configuredKey === apiKey) return;
    const client = new Client();
    client.setApiKey(apiKey);
    client.setDefaultRequest('baseUrl', this.baseUrl);
    this.mail.setClient(client);
    this.mail.setTimeout(this.timeoutMs);
    this.configuredKey = apiKey;
  }
}
