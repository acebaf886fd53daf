import { createTrackingToken, verifyTrackingToken, type TrackedOrder } from './tracking-link.ts';

/**
 * The capability a customer's answer is posted with: `/address-confirmations/<token>`, signed
 * like tracking links but with a key derived for this purpose, so a forwarded tracking link can
 * never confirm or change an address, and short-lived.
 */
const PURPOSE = 'address-confirmation';
const LIFETIME_DAYS = 2;

export function createReplyToken(key: string, order: TrackedOrder, now: Date): string {
  return createTrackingToken(`${key}#${PURPOSE}`, order, now, LIFETIME_DAYS);
}

export function verifyReplyToken(key: string, token: string, now: Date): TrackedOrder | undefined {
  return verifyTrackingToken(`${key}#${PURPOSE}`, token, now);
}
