/**
 * What to do when the WhatsApp Cloud API refuses a message, from Meta's error code (in the send
 * response or, later, in a failed status webhook) and the HTTP status.
 * - back_off: a rate limit; the same message goes through later.
 * - template_only: outside the 24 h customer-service window; send the approved template instead.
 * - backup_template: the template is missing in that language; send its approved backup.
 * - email: WhatsApp cannot reach this customer; fall back to email.
 * - retry: Meta had a transient fault.
 * - permanent: our defect; retrying or falling back would only repeat it. Page a human.
 */
export type WhatsAppErrorHandling = 'back_off' | 'template_only' | 'backup_template' | 'email' | 'retry' | 'permanent';

const BY_CODE: ReadonlyMap<number, WhatsAppErrorHandling> = new Map([
  [130429, 'back_off'], // throughput limit
  [131056, 'back_off'], // too many messages to one recipient
  [80007, 'back_off'], // the WhatsApp Business Account's rate limit
  [131047, 'template_only'],
  [132001, 'backup_template'],
  [131026, 'email'], // undeliverable: no WhatsApp, old app, or not accepted the terms
  // Parameter count mismatch: the template Meta approved and our catalog disagree.
  [132000, 'permanent'],
  // Meta's generic "unknown error" and "service unavailable".
  [1, 'retry'],
  [2, 'retry'],
]);

export function handlingForWhatsAppError(code: number | undefined, httpStatus: number): WhatsAppErrorHandling {
  const known = code === undefined ? undefined : BY_CODE.get(code);
  if (known) return known;
  // A bare 429 without a code is still a rate limit; emailing would spend the fallback for nothing.
  if (httpStatus === 429) return 'back_off';
  if (httpStatus >= 500) return 'retry';
  // Anything else means this message will not go out on WhatsApp; the customer still needs to hear.
  return 'email';
}

const BASE_SECONDS = 30;
/** SQS's longest message delay, so a back-off fits a single redelivery. */
const CAP_SECONDS = 900;

/**
 * Full-jitter exponential back-off: a random delay up to 30 s × 2^(attempt − 1), capped at 15
 * minutes. Attempt 1 is the first retry. The jitter spreads a burst of throttled sends so they
 * do not hit the limit again together. Whole seconds, at least 1, as queue delays take them.
 */
export function backOffSeconds(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1) || 0;
  const ceiling = Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** Math.min(exponent, 30));
  return Math.min(ceiling, Math.max(1, Math.ceil(random() * ceiling)));
}
