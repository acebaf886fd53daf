import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs each webhook with HMAC-SHA256 over the raw body, keyed with the app's client
 * secret, and sends it base64-encoded in X-Shopify-Hmac-Sha256. The check runs on the raw bytes,
 * before any parsing, and compares in constant time so response timing leaks nothing.
 */
export function signShopifyBody(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function isValidShopifySignature(rawBody: Buffer, secret: string, headerValue: string | undefined): boolean {
  if (!headerValue) return false;
  const expected = Buffer.from(signShopifyBody(rawBody, secret), 'base64');
  const received = Buffer.from(headerValue, 'base64');
  // Buffer.from(base64) skips junk characters, so re-encode to reject headers that only decode alike.
  if (received.toString('base64') !== headerValue.trim()) return false;
  return received.length === expected.length && timingSafeEqual(received, expected);
}
