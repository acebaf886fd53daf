import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Standard Webhooks signature (standardwebhooks.com), which ShipBob's webhooks use:
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`,
 * keyed with the base64 part of a `whsec_…` secret. Several space-separated signatures may be
 * sent while a secret is rotated; a delivery is genuine when any matches any secret we hold.
 */

export type StandardWebhookCheck = { readonly valid: true } | { readonly valid: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export interface StandardWebhookInput {
  readonly secret: string | readonly string[];
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: string | Buffer;
  readonly nowSeconds: number;
  /** @default 300, as the specification recommends */
  readonly toleranceSeconds?: number;
}

const SECRET_PREFIX = 'whsec_';
const UNIX_SECONDS = /^\d{1,12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

function digest(secret: string, id: string, timestamp: string, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(rawBody).digest();
}

/** The `webhook-signature` header value, one `v1,` entry per secret. */
export function signStandardWebhook(secret: string | readonly string[], id: string, timestampSeconds: number, rawBody: string | Buffer): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return secrets.map((key) => `v1,${digest(key, id, String(timestampSeconds), rawBody).toString('base64')}`).join(' ');
}

export function verifyStandardWebhook(input: StandardWebhookInput): StandardWebhookCheck {
  const { id, timestamp, signature } = input;
  if (!id || !timestamp || !signature) return { valid: false, reason: 'missing' };
  if (!UNIX_SECONDS.test(timestamp)) return { valid: false, reason: 'malformed' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return { valid: false, reason: 'expired' };
  const offered: Buffer[] = [];
  for (const entry of signature.trim().split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 1) return { valid: false, reason: 'malformed' };
    // Other versions are skipped, so a sender can add one before receivers know it.
    if (entry.slice(0, comma) !== 'v1') continue;
    const value = entry.slice(comma + 1);
    if (!BASE64.test(value)) return { valid: false, reason: 'malformed' };
    offered.push(Buffer.from(value, 'base64'));
  }
  if (offered.length === 0) return { valid: false, reason: 'malformed' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  const genuine = secrets.some((secret) => {
    const expected = digest(secret, id, timestamp, input.rawBody);
    return offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
  return genuine ? { valid: true } : { valid: false, reason: 'mismatch' };
}
