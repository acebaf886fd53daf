import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPayment, type PaymentEvent, type PaymentState } from '../../../lambdas/orders/domain/payment-state.ts';

const failedFirst: PaymentEvent = { type: 'failed', paymentId: 'pay_AAAAAAAAAAAAAA', version: 1_795_860_100_000 };
const failedAgain: PaymentEvent = { type: 'failed', paymentId: 'pay_BBBBBBBBBBBBBB', version: 1_795_860_160_000 };
const captured: PaymentEvent = { type: 'captured', paymentId: 'pay_CCCCCCCCCCCCCC', version: 1_795_860_220_000 };

function fold(events: readonly PaymentEvent[]): PaymentState | undefined {
  return events.reduce<PaymentState | undefined>((state, event) => applyPayment(state, event).state, undefined);
}

describe('an order’s payment status', () => {
  it('starts from the first payment event, whichever it is', () => {
    expect(applyPayment(undefined, failedFirst)).toEqual({ state: { status: 'failed', paymentId: failedFirst.paymentId, version: failedFirst.version }, changed: true });
    expect(applyPayment(undefined, captured)).toEqual({ state: { status: 'captured', paymentId: captured.paymentId, version: captured.version }, changed: true });
  });

  it('ends captured when the customer retries a failed UPI payment and it succeeds', () => {
    // Prepare
    const afterFailure = applyPayment(undefined, failedFirst).state;
    // Act
    const result = applyPayment(afterFailure, captured);
    // Assess
    expect(result).toEqual({ state: { status: 'captured', paymentId: captured.paymentId, version: captured.version }, changed: true });
  });

  it('stays captured when an older failure arrives late', () => {
    const paid = applyPayment(undefined, captured).state;
    expect(applyPayment(paid, failedFirst)).toEqual({ state: paid, changed: false });
  });

  it('stays captured even when a failure newer than the capture arrives', () => {
    const paid = applyPayment(undefined, captured).state;
    const later: PaymentEvent = { type: 'failed', paymentId: 'pay_DDDDDDDDDDDDDD', version: captured.version + 60_000 };
    expect(applyPayment(paid, later)).toEqual({ state: paid, changed: false });
  });

  it('changes nothing when Razorpay redelivers the same event', () => {
    const failed = applyPayment(undefined, failedFirst).state;
    const paid = applyPayment(undefined, captured).state;
    expect(applyPayment(failed, failedFirst)).toEqual({ state: failed, changed: false });
    expect(applyPayment(paid, captured)).toEqual({ state: paid, changed: false });
  });

  it('records the newest failure among several, whatever order they arrive in', () => {
    const newestLast = applyPayment(applyPayment(undefined, failedFirst).state, failedAgain);
    const newestFirst = applyPayment(applyPayment(undefined, failedAgain).state, failedFirst);

    expect(newestLast).toMatchObject({ state: { paymentId: failedAgain.paymentId }, changed: true });
    expect(newestFirst).toMatchObject({ state: { paymentId: failedAgain.paymentId }, changed: false });
  });

  it('keeps the first capture when the customer is charged twice, so the second is the one to refund', () => {
    const second: PaymentEvent = { type: 'captured', paymentId: 'pay_EEEEEEEEEEEEEE', version: captured.version + 30_000 };
    expect(fold([second, captured])).toMatchObject({ status: 'captured', paymentId: captured.paymentId });
    expect(fold([captured, second])).toMatchObject({ status: 'captured', paymentId: captured.paymentId });
  });

  it('reaches the same status for any arrival order and any number of redeliveries', () => {
    const paymentEvent = fc.record({
      type: fc.constantFrom('captured' as const, 'failed' as const),
      paymentId: fc.constantFrom('pay_AAAAAAAAAAAAAA', 'pay_BBBBBBBBBBBBBB', 'pay_CCCCCCCCCCCCCC'),
      // A narrow range, so events in the same millisecond (ties) are common.
      version: fc.integer({ min: 1_795_860_000_000, max: 1_795_860_000_005 }),
    });
    const deliveries = fc
      .array(paymentEvent, { minLength: 1, maxLength: 8 })
      .chain((events) =>
        fc.tuple(
          fc.constant(events),
          // Every event arrives at least once, some several times, in any order.
          fc.array(fc.nat(events.length - 1), { maxLength: 16 }).chain((extra) => fc.shuffledSubarray([...events, ...extra.map((i) => events[i]!)], { minLength: events.length + extra.length })),
        ),
      );

    fc.assert(
      fc.property(deliveries, ([events, arrivals]) => {
        expect(fold(arrivals)).toEqual(fold(events));
        expect(fold(events)?.status).toBe(events.some((event) => event.type === 'captured') ? 'captured' : 'failed');
      }),
      { numRuns: 1000 },
    );
  });

  it('reports a change exactly when the status or the deciding payment moves', () => {
    fc.assert(
      fc.property(
        fc.option(fc.record({ status: fc.constantFrom('captured' as const, 'failed' as const), paymentId: fc.constantFrom('pay_A', 'pay_B'), version: fc.nat(3) }), { nil: undefined }),
        fc.record({ type: fc.constantFrom('captured' as const, 'failed' as const), paymentId: fc.constantFrom('pay_A', 'pay_B'), version: fc.nat(3) }),
        (current, event) => {
          const { state, changed } = applyPayment(current, event);
          expect(changed).toBe(current === undefined || JSON.stringify(state) !== JSON.stringify(current));
          if (current?.status === 'captured') expect(state.status).toBe('captured');
        },
      ),
    );
  });
});
