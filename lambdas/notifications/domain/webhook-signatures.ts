import { createHash, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * Proof that a webhook came from Meta or SendGrid. Each check runs on the raw body as received,
 * before any parsing: re-serialised JSON would not be the bytes that were signed.
 */

const META_SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the body with the app secret. */
export function verifyMetaSignature(rawBody: string, header: string | undefined, appSecret: string): boolean {
  // With an empty secret anyone could compute the HMAC; an unset secret must reject, not accept.
  if (!appSecret || !header) return false;
  const match = META_SIGNATURE.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

/** Equal strings in time that does not depend on where they differ; hashing first makes the lengths equal too. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Meta's subscription check: a GET with hub.mode=subscribe, our verify token and a challenge to
 * echo. Anything else is refused, so the endpoint confirms nothing to a stranger.
 */
export function answerVerificationHandshake(
  query: Readonly<Record<string, string | undefined>>,
  verifyToken: string,
): { statusCode: 200 | 403; body: string } {
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  const accepted = query['hub.mode'] === 'subscribe' && verifyToken !== '' && token !== undefined && sameSecret(token, verifyToken) && !!challenge;
  return accepted ? { statusCode: 200, body: challenge! } : { statusCode: 403, body: 'Forbidden' };
}

const DEFAULT_TOLERANCE_SECONDS = 600;

/** The configured key is ours to get right: a wrong one is a deployment defect, not a forged request. */
function sendGridKey(publicKeyBase64: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new Error('the SendGrid verification key is not a base64 DER public key (SPKI)', { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the SendGrid verification key is not an ECDSA P-256 key');
  }
  return key;
}

/**
 * SendGrid's Event Webhook: an ECDSA P-256 / SHA-256 signature (base64, DER) over the timestamp
 * header followed by the raw body. A timestamp outside the tolerance either way is refused, so a
 * captured request cannot be replayed later.
 */
export function verifySendGridSignature(
  rawBody: string,
  signature: string | undefined,
  timestamp: string | undefined,
  publicKeyBase64: string,
  now: Date = new Date(),
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  const key = sendGridKey(publicKeyBase64);
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', Buffer.from(timestamp + rawBody, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    // A signature that is not DER at all is as good as a wrong one.
    return false;
  }
}
