import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidRazorpaySignature, signRazorpayBody } from '../../../lambdas/intake/domain/razorpay-signature.ts';

const secret = 'whsec_saffron_threads_razorpay';
const body = Buffer.from('{"entity":"event","event":"payment.captured","created_at":1795860125}');

describe('razorpay webhook signature', () => {
  it('signs with the hex HMAC-SHA256 Razorpay computes over the raw body', () => {
    // Prepare
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    // Act
    const signature = signRazorpayBody(body, secret);
    // Assess
    expect(signature).toBe(expected);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the signature Razorpay sends, in lower or upper case', () => {
    const header = createHmac('sha256', secret).update(body).digest('hex');
    expect(isValidRazorpaySignature(body, secret, header)).toBe(true);
    expect(isValidRazorpaySignature(body, secret, header.toUpperCase())).toBe(true);
  });

  it('rejects a signature made with another secret, such as the API key secret', () => {
    expect(isValidRazorpaySignature(body, secret, signRazorpayBody(body, 'rzp_live_key_secret'))).toBe(false);
  });

  it('rejects a body changed after signing, even by one trailing space', () => {
    const header = signRazorpayBody(body, secret);
    expect(isValidRazorpaySignature(Buffer.from(`${body.toString()} `), secret, header)).toBe(false);
    expect(isValidRazorpaySignature(Buffer.from(body.toString().replace('captured', 'failed')), secret, header)).toBe(false);
  });

  it('rejects the same digest base64-encoded, as Shopify would send it', () => {
    const base64 = createHmac('sha256', secret).update(body).digest('base64');
    expect(isValidRazorpaySignature(body, secret, base64)).toBe(false);
  });

  it('rejects a missing, empty, truncated, padded or non-hex header', () => {
    const header = signRazorpayBody(body, secret);
    expect(isValidRazorpaySignature(body, secret, undefined)).toBe(false);
    expect(isValidRazorpaySignature(body, secret, '')).toBe(false);
    expect(isValidRazorpaySignature(body, secret, header.slice(0, 63))).toBe(false);
    expect(isValidRazorpaySignature(body, secret, `${header}00`)).toBe(false);
    expect(isValidRazorpaySignature(body, secret, ` ${header}`)).toBe(false);
    expect(isValidRazorpaySignature(body, secret, `sha256=${header}`)).toBe(false);
    expect(isValidRazorpaySignature(body, secret, `${header.slice(0, 62)}zz`)).toBe(false);
  });

  it('rejects a header with junk after the digest, which a lenient hex decoder would drop', () => {
    const header = signRazorpayBody(body, secret);
    // Buffer.from('<64 hex>xyz…', 'hex') would decode to the valid digest.
    expect(Buffer.from(`${header}x`, 'hex').toString('hex')).toBe(header);
    expect(isValidRazorpaySignature(body, secret, `${header}x`)).toBe(false);
  });

  it('accepts exactly the signature of the body for any body and secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ minLength: 1 }), fc.string(), (bytes, key, header) => {
        const raw = Buffer.from(bytes);
        const signature = signRazorpayBody(raw, key);
        expect(isValidRazorpaySignature(raw, key, signature)).toBe(true);
        if (header.toLowerCase() !== signature) expect(isValidRazorpaySignature(raw, key, header)).toBe(false);
      }),
    );
  });
});
