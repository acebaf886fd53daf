import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidShopifySignature, signShopifyBody } from '../../../lambdas/intake/domain/shopify-signature.ts';

const secret = 'shpss_0123456789abcdef';
const body = Buffer.from('{"id":5801234567890,"name":"#1001"}');

describe('shopify webhook signature', () => {
  it('accepts the base64 HMAC-SHA256 Shopify computes over the raw body', () => {
    const header = createHmac('sha256', secret).update(body).digest('base64');
    expect(isValidShopifySignature(body, secret, header)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(isValidShopifySignature(body, secret, signShopifyBody(body, 'another-secret'))).toBe(false);
  });

  it('rejects a body changed by one byte, even only in whitespace', () => {
    const header = signShopifyBody(body, secret);
    expect(isValidShopifySignature(Buffer.from(`${body.toString()} `), secret, header)).toBe(false);
  });

  it('rejects a hex digest, a missing header and an empty header', () => {
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    expect(isValidShopifySignature(body, secret, hex)).toBe(false);
    expect(isValidShopifySignature(body, secret, undefined)).toBe(false);
    expect(isValidShopifySignature(body, secret, '')).toBe(false);
  });

  it('rejects a header that only decodes to the same bytes after junk is skipped', () => {
    const header = signShopifyBody(body, secret);
    expect(isValidShopifySignature(body, secret, `${header.slice(0, 10)}*${header.slice(10)}`)).toBe(false);
  });

  it('accepts exactly the signature of the body for any body and secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ minLength: 1 }), fc.string(), (bytes, key, header) => {
        const raw = Buffer.from(bytes);
        expect(isValidShopifySignature(raw, key, signShopifyBody(raw, key))).toBe(true);
        if (header !== signShopifyBody(raw, key)) expect(isValidShopifySignature(raw, key, header)).toBe(false);
      }),
    );
  });
});
