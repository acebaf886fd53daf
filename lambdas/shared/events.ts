import { z } from 'zod';
import { CanonicalOrderSchema } from './canonical-order.ts';

/**
 * The event catalog: every event this system puts on its bus, as zod schemas. Producers parse
 * before they publish and consumers parse what they receive, so a drifting contract fails loudly
 * at the boundary instead of deep inside a workflow.
 */
export const EVENT_SOURCES = {
  intake: 'order-automation.intake',
  orders: 'order-automation.orders',
} as const;

/** Fields every event's `detail` carries, for ordering, tracing and replay. */
const EnvelopeFieldsSchema = z.object({
  brand: z.string().min(1),
  orderId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  /** Monotonic per order: consumers ignore a detail whose version they have already passed. */
  version: z.number().int().nonnegative(),
  correlationId: z.string().min(1),
});

/**
 * A storefront order arrived and passed signature and schema checks.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:00:00Z", "version": 1764324000000, "correlationId": "b6f0…", "order": { … } }
 */
export const OrderReceivedSchema = EnvelopeFieldsSchema.extend({ order: CanonicalOrderSchema });
export type OrderReceived = z.infer<typeof OrderReceivedSchema>;

/**
 * The order passed validation and is recorded as Accepted.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:00:01Z", "version": 2, "correlationId": "b6f0…" }
 */
export const OrderAcceptedSchema = EnvelopeFieldsSchema;
export type OrderAccepted = z.infer<typeof OrderAcceptedSchema>;

/**
 * The order failed a business rule; `reasons` name each failing field.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "…", "version": 2, "correlationId": "…", "reasons": [{ "field": "totalMinor", "message": "…" }] }
 */
export const OrderRejectedSchema = EnvelopeFieldsSchema.extend({
  reasons: z.array(z.object({ field: z.string(), message: z.string() })).min(1),
});
export type OrderRejected = z.infer<typeof OrderRejectedSchema>;

/** detail-type → source and schema: the single table producers, consumers and docs read. */
export const EVENT_CATALOG = {
  'Order Received': { source: EVENT_SOURCES.intake, schema: OrderReceivedSchema },
  'Order Accepted': { source: EVENT_SOURCES.orders, schema: OrderAcceptedSchema },
  'Order Rejected': { source: EVENT_SOURCES.orders, schema: OrderRejectedSchema },
} as const;

export type DetailType = keyof typeof EVENT_CATALOG;
export type DetailOf<T extends DetailType> = z.infer<(typeof EVENT_CATALOG)[T]['schema']>;

/** Parses a consumed event's detail against the catalog; throws a ZodError naming the fields. */
export function parseDetail<T extends DetailType>(detailType: T, detail: unknown): DetailOf<T> {
  return EVENT_CATALOG[detailType].schema.parse(detail) as DetailOf<T>;
}
