import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * SendGrid's Event Webhook: batches of events (a JSON array) about the mails it accepted, signed
 * as the Signed Event Webhook is, with ECDSA P-256 over SHA-256 of the timestamp followed
 * immediately by the raw body.
 */

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export type MailEventKind = 'processed' | 'delivered' | 'bounce';

/** One recipient's copy of a mail, as events refer to it. */
export interface MailCopy {
  readonly email: string;
  /** `<X-Message-Id>.filterdrecv-…`: unique to this recipient's copy. */
  readonly sgMessageId: string;
  readonly smtpId: string;
  readonly categories: readonly string[];
  readonly customArgs: Readonly<Record<string, string>>;
}

/** A key pair made at start; its public half is what SendGrid's settings page shows. */
export class EventWebhookSigner {
  /** Base64 of the DER (SPKI) verification key. */
  readonly publicKey: string;
  private readonly privateKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** The signature headers for `body` sent at `atMs`; the signature is DER, base64. */
  headers(body: string, atMs: number): Record<string, string> {
    const timestamp = String(Math.floor(atMs / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), this.privateKey).toString('base64');
    return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
  }
}

/** The 22 characters of an `X-Message-Id`, e.g. `xTA_kO3XQx2ThYnOjS2H-A`. */
export const newXMessageId = () => randomBytes(16).toString('base64url');

/** What SendGrid's filter servers append to the X-Message-Id for each recipient's copy. */
export function copyIds(xMessageId: string, index: number, atMs: number): { readonly sgMessageId: string; readonly smtpId: string } {
  const host = `${randomBytes(5).toString('hex')}-${randomBytes(3).toString('base64url').toLowerCase()}`;
  const sgMessageId = `${xMessageId}.filterdrecv-${host}-1-${Math.floor(atMs / 1000).toString(16).toUpperCase()}-${index}.0`;
  return { sgMessageId, smtpId: `<${xMessageId}@geopod-ismtpd-${randomBytes(2).readUInt16BE() % 32}>` };
}

/**
 * One event about one copy. Custom args sit at the top level, as SendGrid puts them, beneath the
 * fields SendGrid sets itself, which win a clash.
 */
export function mailEvent(kind: MailEventKind, copy: MailCopy, atMs: number): Record<string, unknown> {
  return {
    ...copy.customArgs,
    email: copy.email,
    timestamp: Math.floor(atMs / 1000),
    'smtp-id': copy.smtpId,
    event: kind,
    category: [...copy.categories],
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: copy.sgMessageId,
    ...(kind === 'delivered' ? { response: '250 2.0.0 OK' } : {}),
    ...(kind === 'bounce'
      ? { type: 'bounce', status: '5.1.1', reason: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.", bounce_classification: 'Invalid Address' }
      : {}),
  };
}
