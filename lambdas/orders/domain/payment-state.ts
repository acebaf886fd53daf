/**
 * An order's payment status, folded from Payment Captured and Payment Failed events.
 *
 * Razorpay delivers at least once and in no particular order, so the fold must give the same
 * answer for any arrival order and any number of redeliveries. It does, because the state is a
 * function of the set of events seen, not of their sequence:
 * - any capture → captured, recording the earliest capture (by version, then payment id); a
 *   later capture for another payment is a double payment for ops to refund, not a new status;
 * - otherwise → failed, recording the newest failure (by version, then payment id).
 * So captured is terminal: no failure overrides it, however late it arrives; a failure followed
 * by a capture (a UPI retry) ends captured; and a redelivery, which carries the same payment id,
 * type and version, changes nothing.
 */

export const PaymentStatus = { captured: 'captured', failed: 'failed' } as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export interface PaymentState {
  readonly status: PaymentStatus;
  /** The payment that decided the status. */
  readonly paymentId: string;
  /** That payment event's version (the Razorpay event time in epoch ms). */
  readonly version: number;
}

export interface PaymentEvent {
  readonly type: PaymentStatus;
  readonly paymentId: string;
  readonly version: number;
}

export interface PaymentTransition {
  readonly state: PaymentState;
  /** False when the event told us nothing new: persist and publish only when true. */
  readonly changed: boolean;
}

/** Orders events by version, then payment id, so two events in the same millisecond still have one winner. */
function compare(a: PaymentEvent | PaymentState, b: PaymentEvent | PaymentState): number {
  if (a.version !== b.version) return a.version - b.version;
  return a.paymentId < b.paymentId ? -1 : a.paymentId > b.paymentId ? 1 : 0;
}

function replaces(current: PaymentState, event: PaymentEvent): boolean {
  if (current.status === PaymentStatus.captured) return event.type === PaymentStatus.captured && compare(event, current) < 0;
  return event.type === PaymentStatus.captured || compare(event, current) > 0;
}

export function applyPayment(current: PaymentState | undefined, event: PaymentEvent): PaymentTransition {
  if (current && !replaces(current, event)) return { state: current, changed: false };
  return { state: { status: event.type, paymentId: event.paymentId, version: event.version }, changed: true };
}
