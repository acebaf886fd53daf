import { createHmac, randomBytes } from 'node:crypto';

/**
 * The webhooks of the Cloud API, in Meta's exact shape: a `whatsapp_business_account` object
 * with one entry and one `messages` change, whose value carries either `statuses` (what became
 * of a message sent) or `messages` (what a customer wrote). Each is signed with the app secret.
 */

export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

export interface BusinessNumber {
  readonly phoneNumberId: string;
  readonly displayNumber: string;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'failed';

export interface StatusError {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly error_data: { readonly details: string };
}

export const UNDELIVERABLE: StatusError = {
  code: 131026,
  title: 'Message Undeliverable',
  message: 'Message Undeliverable',
  error_data: { details: 'Message Undeliverable: the recipient could not be reached (not on WhatsApp, an old app version, or the business is blocked).' },
};

/** `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export function signMetaWebhook(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * A message id as Meta writes one: `wamid.` and base64 of a small binary record holding the
 * customer's number and a random key. Nothing should parse it; it just looks and sizes right.
 */
export function newWamid(waId: string): string {
  const record = Buffer.concat([Buffer.from([0x1c, 0x18, waId.length]), Buffer.from(waId), Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]), Buffer.from(randomBytes(10).toString('hex').toUpperCase())]);
  return `wamid.${record.toString('base64')}`;
}

const unixSeconds = (ms: number) => String(Math.floor(ms / 1000));

function notification(wabaId: string, number: BusinessNumber, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: number.displayNumber, phone_number_id: number.phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

export function statusNotification(
  wabaId: string,
  number: BusinessNumber,
  status: { readonly messageId: string; readonly status: DeliveryStatus; readonly atMs: number; readonly recipientWaId: string; readonly errors?: readonly StatusError[] },
) {
  return notification(wabaId, number, {
    statuses: [
      {
        id: status.messageId,
        status: status.status,
        timestamp: unixSeconds(status.atMs),
        recipient_id: status.recipientWaId,
        ...(status.errors === undefined ? {} : { errors: status.errors }),
      },
    ],
  });
}

export function inboundNotification(wabaId: string, number: BusinessNumber, message: { readonly messageId: string; readonly fromWaId: string; readonly atMs: number; readonly text: string }) {
  return notification(wabaId, number, {
    contacts: [{ profile: { name: 'Customer' }, wa_id: message.fromWaId }],
    messages: [{ from: message.fromWaId, id: message.messageId, timestamp: unixSeconds(message.atMs), type: 'text', text: { body: message.text } }],
  });
}
