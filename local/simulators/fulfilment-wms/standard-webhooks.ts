import { createHmac, randomInt } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com), as ShipBob's 2025+ webhooks use
 * it: each attempt carries `webhook-id`, `webhook-timestamp` (unix seconds of the attempt, on the
 * sender's clock) and `webhook-signature`, `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, one
 * space-separated signature per secret while a secret is rotated.
 */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';
/** ShipBob names the event's topic in its own header as well. */
export const WEBHOOK_TOPIC_HEADER = 'x-webhook-topic';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key of a `whsec_<base64>` secret: the base64-decoded part after the prefix. */
export function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : undefined;
  if (encoded === undefined || !BASE64.test(encoded)) {
    throw new Error('a Standard Webhooks secret is "whsec_" followed by the base64 of the key');
  }
  return Buffer.from(encoded, 'base64');
}

/**
 * The `webhook-signature` header for one attempt: `v1,<signature>`, or several separated by
 * spaces when given several secrets (the new and the old one, during a rotation).
 */
export function signStandardWebhook(secret: string | readonly string[], id: string, timestampSeconds: number, body: string): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('at least one secret is needed to sign a webhook');
  return secrets.map((one) => `v1,${createHmac('sha256', standardWebhookKey(one)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`).join(' ');
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A message id as Standard Webhooks senders write them: `msg_` and 27 base62 characters. */
export function newMessageId(): string {
  let id = 'msg_';
  for (let index = 0; index < 27; index++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
