import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerVerificationHandshake, verifyMetaSignature, verifySendGridSignature } from '../../../lambdas/notifications/domain/webhook-signatures.ts';

const APP_SECRET = 'meta-app-secret-for-tests';
const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }], note: 'नमस्ते ✨' });
const metaHeader = (raw: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`;

describe('Meta webhook signature', () => {
  it('accepts the body Meta signed, with its X-Hub-Signature-256 header', () => {
    expect(verifyMetaSignature(body, metaHeader(body), APP_SECRET)).toBe(true);
    expect(verifyMetaSignature(body, metaHeader(body).toUpperCase().replace('SHA256=', 'sha256='), APP_SECRET)).toBe(true);
  });

  it('refuses a tampered body, another app’s secret, or a missing header', () => {
    expect(verifyMetaSignature(body.replace('1', '2'), metaHeader(body), APP_SECRET)).toBe(false);
    expect(verifyMetaSignature(body, metaHeader(body, 'someone-else'), APP_SECRET)).toBe(false);
    expect(verifyMetaSignature(body, undefined, APP_SECRET)).toBe(false);
  });

  it.each(['', 'sha256=', 'sha256=zz', `sha1=${'a'.repeat(64)}`, `sha256=${'a'.repeat(63)}`, `sha256=${'a'.repeat(66)}`, 'garbage'])('refuses the malformed header %j without throwing', (header) => {
    expect(verifyMetaSignature(body, header, APP_SECRET)).toBe(false);
  });

  it('refuses everything when no app secret is configured, even a body signed with the empty secret', () => {
    expect(verifyMetaSignature(body, metaHeader(body, ''), '')).toBe(false);
  });
});

describe('Meta subscription handshake', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' };

  it('echoes the challenge when the verify token matches', () => {
    expect(answerVerificationHandshake(query, 'verify-me')).toEqual({ statusCode: 200, body: '1158201444' });
  });

  it.each([
    ['a wrong token', { ...query, 'hub.verify_token': 'verify-you' }],
    ['a longer token', { ...query, 'hub.verify_token': 'verify-me-too' }],
    ['no token', { ...query, 'hub.verify_token': undefined }],
    ['another mode', { ...query, 'hub.mode': 'unsubscribe' }],
    ['no challenge', { ...query, 'hub.challenge': undefined }],
    ['nothing at all', {}],
  ])('refuses %s with 403 and does not echo the challenge', (_case, given) => {
    const answer = answerVerificationHandshake(given, 'verify-me');
    expect(answer.statusCode).toBe(403);
    expect(answer.body).not.toContain('1158201444');
  });

  it('refuses everything when no verify token is configured', () => {
    expect(answerVerificationHandshake({ ...query, 'hub.verify_token': '' }, '').statusCode).toBe(403);
  });
});

describe('SendGrid Event Webhook signature', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyBase64 = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const events = JSON.stringify([{ email: 'asha@example.com', event: 'delivered', sg_event_id: 'e1', sg_message_id: 'm1.filter', timestamp: 1764583200 }]) + '\r\n';
  const timestamp = '1764583200';
  const now = new Date(1764583200 * 1000 + 30_000);
  const signed = (raw: string, at = timestamp) => sign('sha256', Buffer.from(at + raw, 'utf8'), privateKey).toString('base64');

  it('accepts what SendGrid signed: the timestamp, then the raw body', () => {
    expect(verifySendGridSignature(events, signed(events), timestamp, publicKeyBase64, now)).toBe(true);
  });

  it('refuses a tampered body, a changed timestamp or a signature by another key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(verifySendGridSignature(events.replace('delivered', 'bounce'), signed(events), timestamp, publicKeyBase64, now)).toBe(false);
    expect(verifySendGridSignature(events, signed(events), '1764583201', publicKeyBase64, now)).toBe(false);
    expect(verifySendGridSignature(events, sign('sha256', Buffer.from(timestamp + events), other).toString('base64'), timestamp, publicKeyBase64, now)).toBe(false);
  });

  it('refuses a replay once the timestamp is older than the tolerance, and one from the future', () => {
    const tenMinutesOn = new Date(1764583200 * 1000 + 600_000);
    const elevenMinutesOn = new Date(1764583200 * 1000 + 660_000);
    expect(verifySendGridSignature(events, signed(events), timestamp, publicKeyBase64, tenMinutesOn)).toBe(true);
    expect(verifySendGridSignature(events, signed(events), timestamp, publicKeyBase64, elevenMinutesOn)).toBe(false);
    expect(verifySendGridSignature(events, signed(events), timestamp, publicKeyBase64, new Date(1764583200 * 1000 - 660_000))).toBe(false);
    expect(verifySendGridSignature(events, signed(events), timestamp, publicKeyBase64, elevenMinutesOn, 3600)).toBe(true);
  });

  it.each([
    ['no signature', undefined, timestamp],
    ['no timestamp', 'c2ln', undefined],
    ['a timestamp that is not a number', 'c2ln', '2026-12-01T10:00:00Z'],
    ['a signature that is not base64', '!!not base64!!', timestamp],
    ['a signature that is not DER', Buffer.from('not a DER signature').toString('base64'), timestamp],
  ])('refuses %s without throwing', (_case, signature, at) => {
    expect(verifySendGridSignature(events, signature, at, publicKeyBase64, now)).toBe(false);
  });

  it('fails loudly on a misconfigured key instead of refusing every event quietly', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => verifySendGridSignature(events, signed(events), timestamp, 'not-a-key', now)).toThrow(/SendGrid verification key/);
    expect(() => verifySendGridSignature(events, signed(events), timestamp, rsa, now)).toThrow(/P-256/);
  });
});
