import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWmsPayload, verifyWmsSignature } from '../../../lambdas/inventory/domain/wms-signature.ts';

const secret = 'whsec_wms_bhiwandi_0123456789';
const body = '{"event_id":"5f0c6c2e-8f7a-4f57-9a53-0d0b1f3f8b11","type":"stock.level_changed","items":[{"sku":"KURTA-M-BLUE","on_hand":12}]}';
const sentAt = 1_795_860_125;

describe('WMS webhook signature', () => {
  it('accepts the header the WMS computes over "<t>.<raw body>", as a receiver would check it', () => {
    // Prepare
    const digest = createHmac('sha256', secret).update(`${sentAt}.${body}`).digest('hex');
    // Act
    const check = verifyWmsSignature({ secret, header: `t=${sentAt},v1=${digest}`, rawBody: Buffer.from(body), nowSeconds: sentAt + 2 });
    // Assess
    expect(check).toEqual({ valid: true });
    expect(signWmsPayload(secret, sentAt, body)).toBe(`t=${sentAt},v1=${digest}`);
  });

  it('rejects a body changed by one byte, another secret, and a timestamp changed after signing', () => {
    const header = signWmsPayload(secret, sentAt, body);

    expect(verifyWmsSignature({ secret, header, rawBody: `${body} `, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWmsSignature({ secret: 'another-secret', header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'mismatch' });
    const movedTimestamp = header.replace(`t=${sentAt}`, `t=${sentAt + 1}`);
    expect(verifyWmsSignature({ secret, header: movedTimestamp, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a genuine delivery replayed after five minutes, but not one just inside them', () => {
    const header = signWmsPayload(secret, sentAt, body);

    expect(verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt + 300 })).toEqual({ valid: true });
    expect(verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt + 301 })).toEqual({ valid: false, reason: 'expired' });
    expect(verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt + 30, toleranceSeconds: 10 })).toEqual({ valid: false, reason: 'expired' });
  });

  it('refuses a timestamp too far in the future too, as from a sender whose clock is wrong', () => {
    const header = signWmsPayload(secret, sentAt + 301, body);

    expect(verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'expired' });
  });

  it('calls a forged old signature a mismatch, not expired, so only genuine deliveries count as replays', () => {
    const header = signWmsPayload('another-secret', sentAt, body);

    expect(verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt + 3600 })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('tells a missing header from one that is not of the t=…,v1=… shape', () => {
    const digest = signWmsPayload(secret, sentAt, body).split('v1=')[1]!;
    const check = (header: string | undefined) => verifyWmsSignature({ secret, header, rawBody: body, nowSeconds: sentAt });

    expect(check(undefined)).toEqual({ valid: false, reason: 'missing' });
    expect(check('  ')).toEqual({ valid: false, reason: 'missing' });
    for (const header of [
      digest,
      `v1=${digest}`,
      `t=${sentAt}`,
      `t=soon,v1=${digest}`,
      `t=${sentAt},t=${sentAt},v1=${digest}`,
      `t=${sentAt},v1=${digest}junk`,
      `t=${sentAt},v1=${digest.slice(2)}`,
      `t=${sentAt},v1=${Buffer.from(digest, 'hex').toString('base64')}`,
      `t=${sentAt},${digest}`,
    ]) {
      expect(check(header), header).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('accepts an upper-case digest and ignores signature schemes it does not know', () => {
    const [timestamp, signature] = signWmsPayload(secret, sentAt, body).split(',');

    expect(verifyWmsSignature({ secret, header: `${timestamp},${signature!.toUpperCase().replace('V1=', 'v1=')}`, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: true });
    expect(verifyWmsSignature({ secret, header: `${timestamp},v0=abc,${signature}`, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: true });
  });

  describe('while the webhook secret is rotated', () => {
    const oldSecret = 'whsec_old';
    const newSecret = 'whsec_new';

    it('signs with both secrets, so receivers holding either accept the delivery', () => {
      // Act
      const header = signWmsPayload([oldSecret, newSecret], sentAt, body);
      // Assess
      expect(header.match(/v1=/g)).toHaveLength(2);
      expect(verifyWmsSignature({ secret: oldSecret, header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: true });
      expect(verifyWmsSignature({ secret: newSecret, header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: true });
      expect(verifyWmsSignature({ secret: 'whsec_unrelated', header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'mismatch' });
    });

    it('lets a receiver holding both secrets accept a sender that signs with only one', () => {
      for (const sender of [oldSecret, newSecret]) {
        const header = signWmsPayload(sender, sentAt, body);
        expect(verifyWmsSignature({ secret: [oldSecret, newSecret], header, rawBody: body, nowSeconds: sentAt })).toEqual({ valid: true });
      }
      expect(verifyWmsSignature({ secret: [], header: signWmsPayload(oldSecret, sentAt, body), rawBody: body, nowSeconds: sentAt })).toEqual({ valid: false, reason: 'mismatch' });
    });
  });

  it('accepts exactly the signature of the body for any body, secret and time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ minLength: 1 }), fc.nat({ max: 4_000_000_000 }), fc.string(), (bytes, key, time, header) => {
        const raw = Buffer.from(bytes);
        const genuine = signWmsPayload(key, time, raw);
        expect(verifyWmsSignature({ secret: key, header: genuine, rawBody: raw, nowSeconds: time })).toEqual({ valid: true });
        if (header !== genuine) expect(verifyWmsSignature({ secret: key, header, rawBody: raw, nowSeconds: time }).valid).toBe(false);
      }),
    );
  });
});
