import { z } from 'zod';
import { EnvelopeFieldsSchema } from './event-envelope.ts';

/**
 * Payment events: what Razorpay told us about the money for an order. Intake publishes them from
 * `payment.captured` and `payment.failed` webhooks; the orders context folds them into the
 * order's payment status (see lambdas/orders/domain/payment-state.ts).
 *
 * Razorpay retries for 24 h and does not keep order, and a failed payment can be followed by a
 * captured one for the same order (a UPI retry), so consumers must not treat a failure as final.
 */


/** Razorpay ids are a prefix and an alphanumeric suffix (14 characters today; not relied upon). */
const razorpayId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]+$`), `must be a Razorpay id such as "${prefix}_Nk7xQ2bM4pR9sT"`);

const PaymentFieldsSchema = EnvelopeFieldsSchema.extend({
  paymentId: razorpayId('pay'),
  /** Null for a payment not made against a Razorpay order (some payment links and integrations). */
  gatewayOrderId: razorpayId('order').nullable(),
  /** Integer minor units (paise for INR), exactly as Razorpay reports `amount`. */
  amountMinor: z.number().int().positive(),
  /** ISO 4217 as Razorpay reports it; matching it to the order's currency is the consumer's check. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "INR"'),
  /** Razorpay's method: upi, card, netbanking, wallet, emi, paylater, … (an open set). */
  method: z.string().min(1),
});

/**
 * Razorpay captured a payment for the order: the money is the merchant's.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:02:05.000Z", "version": 1795860125000, "correlationId": "evt_Nk7xQ2bM4pR9sU", "paymentId": "pay_Nk7xQ2bM4pR9sT", "gatewayOrderId": "order_Nk7wZ1aL3oQ8rS", "amountMinor": 569700, "currency": "INR", "method": "upi" }
 */
export const PaymentCapturedSchema = PaymentFieldsSchema;
export type PaymentCaptured = z.infer<typeof PaymentCapturedSchema>;

/**
 * A payment attempt for the order failed. Not final: the customer may retry and a later
 * `Payment Captured` for another payment id settles the order.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:01:40.000Z", "version": 1795860100000, "correlationId": "evt_Nk7vY0zK2nP7qR", "paymentId": "pay_Nk7vX9yJ1mO6pQ", "gatewayOrderId": "order_Nk7wZ1aL3oQ8rS", "amountMinor": 569700, "currency": "INR", "method": "upi", "errorCode": "BAD_REQUEST_ERROR", "errorDescription": "Payment was unsuccessful as you have not approved the collect request within time." }
 */
export const PaymentFailedSchema = PaymentFieldsSchema.extend({
  /** Razorpay's error class, such as BAD_REQUEST_ERROR or GATEWAY_ERROR. */
  errorCode: z.string().min(1),
  /** Razorpay's sentence for the customer, suitable to show or send as is. */
  errorDescription: z.string().min(1),
});
export type PaymentFailed = z.infer<typeof PaymentFailedSchema>;
