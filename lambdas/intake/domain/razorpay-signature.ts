import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Razorpay signs each webhook with HMAC-SHA256 over the raw body, keyed with the webhook secret
 * (not the API key secret), and sends it hex-encoded in X-Razorpay-Signature. The check runs on
 * the raw bytes, before any parsing, and compares in constant time so response timing leaks
 * nothing about how much of a forged signature was right.
 */
export function signRazorpayBody(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Exactly 64 hex digits. Buffer.from(hex) stops at the first non-hex character instead of
 * failing, so the shape is checked first: otherwise "<valid digest>junk" would decode to the
 * valid digest. Case is not significant in hex, so an upper-case digest is the same signature.
 */
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function isValidRazorpaySignature(rawBody: Buffer, secret: string, headerValue: string | undefined): boolean {
  if (!headerValue || !SHA256_HEX.test(headerValue)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(headerValue, 'hex'), expected);
}
