import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderPayloadInvalidError } from '../../../lambdas/intake/domain/errors.ts';
import { mapRazorpayEvent, type RazorpayEventMapping } from '../../../lambdas/intake/domain/razorpay-payment.ts';
import { PaymentCapturedSchema, PaymentFailedSchema } from '../../../lambdas/shared/payment-events.ts';
import { buildPaymentEvent, type PaymentEventOptions, type RazorpayWebhookBody } from '../../../local/simulators/razorpay/payment-event.ts';

const brand = 'saffron-threads';
const eventId = 'evt_Nk7xQ2bM4pR9sU';
const createdAt = new Date('2026-11-28T10:02:05Z');

/** A webhook body as it arrives: JSON text parsed back, so nothing typed leaks into the mapper. */
function aBody(overrides: Partial<PaymentEventOptions> = {}): RazorpayWebhookBody {
  const body = buildPaymentEvent({
    type: 'captured',
    shopifyOrderId: '5801234567890',
    amountMinor: 569700,
    currency: 'INR',
    method: 'upi',
    paymentId: 'pay_Nk7xQ2bM4pR9sT',
    gatewayOrderId: 'order_Nk7wZ1aL3oQ8rS',
    createdAt,
    ...overrides,
  });
  return JSON.parse(JSON.stringify(body)) as RazorpayWebhookBody;
}

/** The payment entity as loose JSON, to damage one field at a time. */
function entityOf(body: RazorpayWebhookBody): Record<string, unknown> {
  return body.payload.payment.entity as unknown as Record<string, unknown>;
}

function problemsOf(payload: unknown, id = eventId): { field: string; message: string }[] {
  try {
    mapRazorpayEvent(brand, payload, id);
  } catch (error) {
    if (error instanceof OrderPayloadInvalidError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

function published(mapping: RazorpayEventMapping) {
  if ('ignored' in mapping) throw new Error(`expected an event, got ignored ${mapping.event}`);
  return mapping;
}

describe('mapping a Razorpay payment webhook to a payment event', () => {
  it('publishes Payment Captured for the Shopify order named in the notes, in paise', () => {
    // Act
    const mapping = published(mapRazorpayEvent(brand, aBody(), eventId));
    // Assess
    expect(mapping.detailType).toBe('Payment Captured');
    expect(mapping.detail).toEqual({
      brand,
      orderId: '5801234567890',
      occurredAt: '2026-11-28T10:02:05.000Z',
      version: createdAt.getTime(),
      correlationId: eventId,
      paymentId: 'pay_Nk7xQ2bM4pR9sT',
      gatewayOrderId: 'order_Nk7wZ1aL3oQ8rS',
      amountMinor: 569700,
      currency: 'INR',
      method: 'upi',
    });
    expect(PaymentCapturedSchema.parse(mapping.detail)).toEqual(mapping.detail);
  });

  it('publishes Payment Failed with Razorpay’s error code and the sentence for the customer', () => {
    const mapping = published(mapRazorpayEvent(brand, aBody({ type: 'failed', method: 'card' }), eventId));

    expect(mapping.detailType).toBe('Payment Failed');
    expect(mapping.detail).toMatchObject({
      orderId: '5801234567890',
      paymentId: 'pay_Nk7xQ2bM4pR9sT',
      method: 'card',
      errorCode: 'BAD_REQUEST_ERROR',
      errorDescription: 'Your payment could not be completed as it was declined by your bank.',
    });
    expect(PaymentFailedSchema.parse(mapping.detail)).toEqual(mapping.detail);
  });

  it('gives a retry that succeeds a higher version than the failure before it', () => {
    const failed = published(mapRazorpayEvent(brand, aBody({ type: 'failed', paymentId: 'pay_AAAAAAAAAAAAAA' }), 'evt_1'));
    const retried = aBody({ paymentId: 'pay_BBBBBBBBBBBBBB', createdAt: new Date(createdAt.getTime() + 90_000) });
    const captured = published(mapRazorpayEvent(brand, retried, 'evt_2'));

    expect(captured.detail.orderId).toBe(failed.detail.orderId);
    expect(captured.detail.version).toBeGreaterThan(failed.detail.version);
  });

  it('keeps any amount exactly, in the minor units Razorpay sends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), fc.constantFrom('INR', 'MYR', 'IDR'), (amountMinor, currency) => {
        const { detail } = published(mapRazorpayEvent(brand, aBody({ amountMinor, currency }), eventId));
        expect(detail).toMatchObject({ amountMinor, currency });
      }),
    );
  });

  it('rejects amounts that are not a positive whole number of minor units', () => {
    for (const amount of [5697.5, '569700', 0, -100]) {
      const body = aBody();
      entityOf(body).amount = amount;
      expect(problemsOf(body).map((problem) => problem.field)).toEqual(['payload.payment.entity.amount']);
    }
  });

  it('reads the Shopify order id from notes.order_id, or from a Shopify gid, or from a number', () => {
    const viaOrderId = aBody();
    entityOf(viaOrderId).notes = { order_id: '5801234567891' };
    const viaGid = aBody();
    entityOf(viaGid).notes = { shopify_order_id: 'gid://shopify/Order/5801234567892' };
    const viaNumber = aBody();
    entityOf(viaNumber).notes = { shopify_order_id: 5801234567893 };

    expect(published(mapRazorpayEvent(brand, viaOrderId, eventId)).detail.orderId).toBe('5801234567891');
    expect(published(mapRazorpayEvent(brand, viaGid, eventId)).detail.orderId).toBe('5801234567892');
    expect(published(mapRazorpayEvent(brand, viaNumber, eventId)).detail.orderId).toBe('5801234567893');
  });

  it('names the missing Shopify order link, whether notes are absent, empty or Razorpay’s empty []', () => {
    for (const notes of [undefined, null, {}, [], { gift_wrap: 'yes' }]) {
      const body = aBody();
      entityOf(body).notes = notes;
      const problems = problemsOf(body);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ field: 'payload.payment.entity.notes.shopify_order_id' });
      expect(problems[0]!.message).toContain('notes.shopify_order_id');
    }
  });

  it('rejects a note that is not a Shopify order id, such as the order name', () => {
    const body = aBody();
    entityOf(body).notes = { shopify_order_id: '#1001' };
    expect(problemsOf(body).map((problem) => problem.field)).toEqual(['payload.payment.entity.notes.shopify_order_id']);
  });

  it('names every bad field at once, the missing link included', () => {
    const body = aBody({ type: 'failed' });
    entityOf(body).id = 'Nk7xQ2bM4pR9sT';
    entityOf(body).currency = 'rupees';
    entityOf(body).notes = [];
    delete entityOf(body).error_code;

    expect(problemsOf(body).map((problem) => problem.field).sort()).toEqual([
      'payload.payment.entity.currency',
      'payload.payment.entity.error_code',
      'payload.payment.entity.id',
      'payload.payment.entity.notes.shopify_order_id',
    ]);
  });

  it('names the event when it is missing, alongside the other bad fields', () => {
    const { event: _event, created_at: _createdAt, ...body } = aBody();
    expect(problemsOf(body).map((problem) => problem.field).sort()).toEqual(['created_at', 'event']);
  });

  it('accepts a payment made without a Razorpay order', () => {
    const body = aBody();
    entityOf(body).order_id = null;
    expect(published(mapRazorpayEvent(brand, body, eventId)).detail.gatewayOrderId).toBeNull();
  });

  it('rejects a delivery without an event id, since it could not be deduplicated', () => {
    expect(problemsOf(aBody(), '')).toEqual([{ field: 'x-razorpay-event-id', message: 'is required to deduplicate the delivery' }]);
  });

  it('acknowledges other subscribed events without publishing anything', () => {
    const orderPaid = { entity: 'event', event: 'order.paid', contains: ['payment', 'order'], payload: {}, created_at: 1795860125 };
    expect(mapRazorpayEvent(brand, orderPaid, eventId)).toEqual({ ignored: true, event: 'order.paid' });
    expect(mapRazorpayEvent(brand, { event: 'refund.created' }, eventId)).toEqual({ ignored: true, event: 'refund.created' });
  });

  it('never throws anything but OrderPayloadInvalidError, whatever JSON arrives', () => {
    const paths = [['event'], ['created_at'], ['payload'], ['payload', 'payment'], ['payload', 'payment', 'entity']];
    const entityFields = ['id', 'amount', 'currency', 'order_id', 'method', 'notes', 'error_code', 'error_description'];
    const damaged = fc
      .tuple(
        fc.constantFrom('captured' as const, 'failed' as const),
        fc.constantFrom(...paths, ...entityFields.map((field) => ['payload', 'payment', 'entity', field])),
        fc.jsonValue(),
      )
      .map(([type, path, value]) => {
        const body = aBody({ type });
        let target = body as unknown as Record<string, unknown>;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        target[path.at(-1)!] = value;
        return body;
      });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), damaged), (payload) => {
        try {
          const mapping = mapRazorpayEvent(brand, payload, eventId);
          if (!('ignored' in mapping)) {
            const schema = mapping.detailType === 'Payment Captured' ? PaymentCapturedSchema : PaymentFailedSchema;
            expect(schema.safeParse(mapping.detail).success).toBe(true);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(OrderPayloadInvalidError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
