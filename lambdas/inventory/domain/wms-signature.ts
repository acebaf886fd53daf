import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * WMS webhooks are signed the way Stripe signs its own: the header
 * `X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the
 * webhook secret. Signing the timestamp with the body lets a receiver refuse a captured delivery
 * replayed later. While a secret is being rotated the sender signs with both secrets and sends one
 * `v1=` entry per secret; a delivery is genuine when any entry matches any secret we hold.
 */

export type WmsSignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export interface WmsSignatureInput {
  /** The webhook secret, or every secret accepted while one is rotated. */
  readonly secret: string | readonly string[];
  /** The X-WMS-Signature header as received. */
  readonly header: string | undefined;
  /** The body exactly as received: re-serialised JSON would not match. */
  readonly rawBody: string | Buffer;
  readonly nowSeconds: number;
  /** How far the signed time may be from now, either way. @default 300 */
  readonly toleranceSeconds?: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
/**
 * Buffer.from(hex) stops at the first non-hex character instead of failing, so the shape is
 * checked first: otherwise "<valid digest>junk" would decode to the valid digest.
 */
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

function digest(secret: string, timestampSeconds: number, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest();
}

/** The full header value, with one `v1=` entry per secret given. */
export function signWmsPayload(secret: string | readonly string[], timestampSeconds: number, rawBody: string | Buffer): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${timestampSeconds}`, ...secrets.map((key) => `v1=${digest(key, timestampSeconds, rawBody).toString('hex')}`)].join(',');
}

/** The timestamp and v1 digests of a header, or undefined when it is not of that shape. */
function parseHeader(header: string): { timestampSeconds: number; signatures: Buffer[] } | undefined {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 1) return undefined;
    const scheme = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (scheme === 't') {
      // Two timestamps would leave it open which one the signature covers.
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined;
      timestamp = value;
    } else if (scheme === 'v1') {
      if (!SHA256_HEX.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes are ignored, so a sender can add a new one before receivers know it.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestampSeconds: Number(timestamp), signatures };
}

/**
 * Checks a delivery on its raw bytes, before any parsing. Digests are compared in constant time
 * so response timing tells a forger nothing about how much of a signature was right. The age is
 * judged only for a signature that matches, so `expired` means a genuine but stale or replayed
 * delivery (or a clock far off), never a forgery.
 */
export function verifyWmsSignature(input: WmsSignatureInput): WmsSignatureCheck {
  const { header, rawBody, nowSeconds, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = input;
  if (header === undefined || header.trim() === '') return { valid: false, reason: 'missing' };
  const parsed = parseHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  const expected = secrets.map((secret) => digest(secret, parsed.timestampSeconds, rawBody));
  const matches = parsed.signatures.some((received) => expected.some((digestOfSecret) => received.length === digestOfSecret.length && timingSafeEqual(received, digestOfSecret)));
  if (!matches) return { valid: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - parsed.timestampSeconds) > toleranceSeconds) return { valid: false, reason: 'expired' };
  return { valid: true };
}
