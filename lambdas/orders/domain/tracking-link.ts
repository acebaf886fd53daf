import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Customer tracking links: `/track/<token>`, where the token names one order and carries an
 * HMAC over it, so it cannot be guessed or edited to reach another order. The signature is 128
 * bits of HMAC-SHA256, base64url; links expire so a forwarded link does not live forever.
 */
const SIGNATURE_LENGTH = 22;
const DEFAULT_LIFETIME_DAYS = 120;

export interface TrackedOrder {
  readonly brand: string;
  readonly orderId: string;
}

const sign = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, SIGNATURE_LENGTH);

export function createTrackingToken(key: string, order: TrackedOrder, now: Date, lifetimeDays = DEFAULT_LIFETIME_DAYS): string {
  const expiresDay = Math.floor(now.getTime() / 86_400_000) + lifetimeDays;
  const payload = `${order.brand}.${order.orderId}.${expiresDay.toString(36)}`;
  return `${payload}.${sign(key, payload)}`;
}

/** The order a token names, or undefined if it is malformed, forged or expired. */
export function verifyTrackingToken(key: string, token: string, now: Date): TrackedOrder | undefined {
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [brand, orderId, expires, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(key, `${brand}.${orderId}.${expires}`));
  const received = Buffer.from(signature);
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return undefined;
  if (parseInt(expires, 36) < Math.floor(now.getTime() / 86_400_000)) return undefined;
  return { brand, orderId };
}
