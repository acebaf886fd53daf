import { z } from 'zod';
import { PaymentFailedSchema, type PaymentCaptured, type PaymentFailed } from '#shared/payment-events';
import { OrderPayloadInvalidError, type FieldProblem } from './errors.ts';

/**
 * Maps a Razorpay webhook body to a payment event for the Shopify order it pays for.
 *
 * Linking convention: Razorpay knows nothing of Shopify, so the checkout that creates the
 * Razorpay order must put the Shopify order id (the numeric REST `id`, or its
 * `gid://shopify/Order/<id>` form) in the order's `notes.shopify_order_id`; Razorpay copies the
 * order's notes onto each payment. Shopify's Razorpay app sets this note; `notes.order_id` is
 * accepted too, for integrations that used that name before.
 */

export const HANDLED_RAZORPAY_EVENTS = ['payment.captured', 'payment.failed'] as const;

export type RazorpayEventMapping =
  | { readonly detailType: 'Payment Captured'; readonly detail: PaymentCaptured }
  | { readonly detailType: 'Payment Failed'; readonly detail: PaymentFailed }
  /** Another event the webhook is subscribed to: acknowledge it so Razorpay does not retry. */
  | { readonly ignored: true; readonly event: string };

/** Upper bound for `created_at` (Unix seconds): 9999-12-31T23:59:59Z, the last instant ISO 8601 can write. */
const LAST_ISO_SECOND = 253_402_300_799;
const SHOPIFY_ORDER_ID = /^[1-9]\d*$/;
const SHOPIFY_ORDER_GID = /^gid:\/\/shopify\/Order\/([1-9]\d*)$/;
const MISSING_LINK =
  'is missing: the Razorpay order must carry the Shopify order id in notes.shopify_order_id (or notes.order_id)';

function shopifyOrderIdFrom(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return SHOPIFY_ORDER_ID.test(text) ? text : SHOPIFY_ORDER_GID.exec(text)?.[1];
}

/** `notes` → the Shopify order id. Razorpay serialises empty notes as `[]`, not `{}`. */
const ShopifyOrderLinkSchema = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown()).max(0)])
  .nullish()
  .transform((notes, ctx) => {
    const named = notes && !Array.isArray(notes) ? notes : {};
    const key = named.shopify_order_id != null ? 'shopify_order_id' : named.order_id != null ? 'order_id' : undefined;
    if (key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['shopify_order_id'], message: MISSING_LINK });
      return z.NEVER;
    }
    const orderId = shopifyOrderIdFrom(named[key]);
    if (orderId === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'must be a Shopify order id such as "5801234567890"' });
      return z.NEVER;
    }
    return orderId;
  });

/** Field rules come from the event schemas, so a body that passes here always makes a valid detail. */
const fields = PaymentFailedSchema.shape;
const PaymentEntitySchema = z.object({
  id: fields.paymentId,
  amount: fields.amountMinor,
  currency: fields.currency,
  order_id: fields.gatewayOrderId.optional(),
  method: fields.method,
  notes: ShopifyOrderLinkSchema,
});

const eventSchema = <E extends z.ZodType, P extends z.ZodType>(event: E, entity: P) =>
  z.object({
    entity: z.literal('event'),
    event,
    created_at: z.number().int().positive().max(LAST_ISO_SECOND, 'must be a Unix time in seconds'),
    payload: z.object({ payment: z.object({ entity }) }),
  });

/** For payment.captured, and when `event` is missing or not a string, so every other bad field is named too. */
const PaymentWebhookSchema = eventSchema(z.enum(HANDLED_RAZORPAY_EVENTS), PaymentEntitySchema);
const FailedPaymentWebhookSchema = eventSchema(
  z.literal('payment.failed'),
  PaymentEntitySchema.extend({ error_code: fields.errorCode, error_description: fields.errorDescription }),
);

type PaymentWebhook = z.infer<typeof PaymentWebhookSchema>;

/** Parses the body, or throws with its problems and those already found outside it. */
function parseBody<S extends z.ZodType>(schema: S, payload: unknown, problems: FieldProblem[]): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message })));
  }
  if (!parsed.success || problems.length > 0) throw new OrderPayloadInvalidError(problems);
  return parsed.data;
}

function paymentDetail(brand: string, eventId: string, body: PaymentWebhook): PaymentCaptured {
  const payment = body.payload.payment.entity;
  return {
    brand,
    orderId: payment.notes,
    occurredAt: new Date(body.created_at * 1000).toISOString(),
    // The event's time, not the payment's: one payment can fail and later be captured (late authorisation).
    version: body.created_at * 1000,
    correlationId: eventId,
    paymentId: payment.id,
    gatewayOrderId: payment.order_id ?? null,
    amountMinor: payment.amount,
    currency: payment.currency,
    method: payment.method,
  };
}

/**
 * Maps one webhook body. `eventId` is Razorpay's x-razorpay-event-id: the deduplication key, and
 * the correlation id that follows the payment through the system. Throws OrderPayloadInvalidError
 * naming every bad field, and nothing else, whatever JSON arrives. The detail is checked against
 * its schema again when it is published.
 */
export function mapRazorpayEvent(brand: string, payload: unknown, eventId: string): RazorpayEventMapping {
  const head = z.object({ event: z.string() }).safeParse(payload);
  const event = head.success ? head.data.event : undefined;
  if (event !== undefined && !(HANDLED_RAZORPAY_EVENTS as readonly string[]).includes(event)) return { ignored: true, event };

  const problems: FieldProblem[] = [];
  if (!brand) problems.push({ field: 'brand', message: 'must name the brand the webhook was sent for' });
  if (!eventId) problems.push({ field: 'x-razorpay-event-id', message: 'is required to deduplicate the delivery' });

  if (event === 'payment.failed') {
    const body = parseBody(FailedPaymentWebhookSchema, payload, problems);
    const { error_code: errorCode, error_description: errorDescription } = body.payload.payment.entity;
    return { detailType: 'Payment Failed', detail: { ...paymentDetail(brand, eventId, body), errorCode, errorDescription } };
  }
  return { detailType: 'Payment Captured', detail: paymentDetail(brand, eventId, parseBody(PaymentWebhookSchema, payload, problems)) };
}
