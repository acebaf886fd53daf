import { z } from 'zod';
import { CanonicalOrderSchema } from './canonical-order.ts';
import { OrderDeliveredSchema, OrderReturnedSchema } from './delivery-events.ts';
import { EnvelopeFieldsSchema } from './event-envelope.ts';
import {
  FulfillmentRoutedSchema,
  InventoryDriftDetectedSchema,
  InventoryReleasedSchema,
  InventoryReservedSchema,
  InventoryShortfallSchema,
  ItemSubstitutedSchema,
  StockLevelChangedSchema,
} from './inventory-events.ts';
import { PaymentCapturedSchema, PaymentFailedSchema } from './payment-events.ts';
import { AddressConfirmationRequestedSchema, ReturnRequestedSchema, ShipmentDelayedSchema, ShipmentDispatchedSchema, ShipmentProgressSchema } from './shipment-events.ts';

/**
 * The event catalog: every event this system puts on its bus, as zod schemas. Producers parse
 * before they publish and consumers parse what they receive, so a drifting contract fails loudly
 * at the boundary instead of deep inside a workflow.
 */
export const EVENT_SOURCES = {
  intake: 'order-automation.intake',
  orders: 'order-automation.orders',
  inventory: 'order-automation.inventory',
  fulfilment: 'order-automation.fulfilment',
} as const;
export type EventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];


export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled'] as const;
export type ShopifyOrderTopic = (typeof SHOPIFY_ORDER_TOPICS)[number];

/**
 * A storefront sent the order's current state. `version` is the source's updated_at (epoch ms);
 * `triggeredAt` breaks ties between deliveries of the same version.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:00:00Z", "version": 1764324000000, "correlationId": "b6f0…", "topic": "orders/create", "triggeredAt": "2026-11-28T10:00:00Z", "archiveKey": "shopify/saffron-threads/2026/11/28/b6f0….json", "order": { … } }
 */
export const OrderSnapshotSchema = EnvelopeFieldsSchema.extend({
  topic: z.enum(SHOPIFY_ORDER_TOPICS),
  triggeredAt: z.iso.datetime({ offset: true }),
  archiveKey: z.string().min(1),
  order: CanonicalOrderSchema,
});
export type OrderSnapshot = z.infer<typeof OrderSnapshotSchema>;

export const BRAND_MODE_VALUES = ['legacy', 'shadow', 'live'] as const;

/**
 * The order passed validation and is recorded as Accepted. In `shadow` mode nothing outside this
 * system may act on it: the legacy process still owns the order.
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "2026-11-28T10:00:01Z", "version": 2, "correlationId": "b6f0…", "mode": "live" }
 */
export const OrderAcceptedSchema = EnvelopeFieldsSchema.extend({ mode: z.enum(['shadow', 'live']) });
export type OrderAccepted = z.infer<typeof OrderAcceptedSchema>;

/**
 * The order cannot be processed; `reasons` name each failing field. `stage` says who refused it:
 * intake (the payload is not an order we can read) or validation (a business rule failed).
 * @example { "brand": "saffron-threads", "orderId": "5801234567890", "occurredAt": "…", "version": 2, "correlationId": "…", "stage": "intake", "archiveKey": "shopify/…json", "reasons": [{ "field": "shipping_address.zip", "message": "…" }] }
 */
export const OrderRejectedSchema = EnvelopeFieldsSchema.extend({
  stage: z.enum(['intake', 'validation']),
  archiveKey: z.string().optional(),
  reasons: z.array(z.object({ field: z.string(), message: z.string() })).min(1),
});
export type OrderRejected = z.infer<typeof OrderRejectedSchema>;

/**
 * The order is in the ERP and every shipment is in the WMS: the hand-off is done.
 * @example { "brand": "saffron-threads", "orderId": "5801…", "occurredAt": "…", "version": 3, "correlationId": "…", "erpOrderId": "9f1c…", "erpOrderNumber": "SO-1042", "shipments": [{ "warehouseId": "IN-BLR-01", "shipmentId": "700123" }] }
 */
export const OrderSubmittedSchema = EnvelopeFieldsSchema.extend({
  erpOrderId: z.string().min(1),
  erpOrderNumber: z.string().min(1),
  shipments: z.array(z.object({ warehouseId: z.string().min(1), shipmentId: z.string().min(1) })).min(1),
});
export type OrderSubmitted = z.infer<typeof OrderSubmittedSchema>;

/** detail-type → who may publish it and its schema: the single table producers, consumers and docs read. */
export const EVENT_CATALOG = {
  'Order Received': { sources: [EVENT_SOURCES.intake], schema: OrderSnapshotSchema },
  'Order Updated': { sources: [EVENT_SOURCES.intake], schema: OrderSnapshotSchema },
  'Order Cancelled': { sources: [EVENT_SOURCES.intake], schema: OrderSnapshotSchema },
  'Order Accepted': { sources: [EVENT_SOURCES.orders], schema: OrderAcceptedSchema },
  'Order Submitted': { sources: [EVENT_SOURCES.orders], schema: OrderSubmittedSchema },
  'Order Rejected': { sources: [EVENT_SOURCES.intake, EVENT_SOURCES.orders], schema: OrderRejectedSchema },
  'Payment Captured': { sources: [EVENT_SOURCES.intake], schema: PaymentCapturedSchema },
  'Payment Failed': { sources: [EVENT_SOURCES.intake], schema: PaymentFailedSchema },
  'Stock Level Changed': { sources: [EVENT_SOURCES.inventory], schema: StockLevelChangedSchema },
  'Inventory Drift Detected': { sources: [EVENT_SOURCES.inventory], schema: InventoryDriftDetectedSchema },
  'Inventory Reserved': { sources: [EVENT_SOURCES.inventory], schema: InventoryReservedSchema },
  'Inventory Shortfall': { sources: [EVENT_SOURCES.inventory], schema: InventoryShortfallSchema },
  'Inventory Released': { sources: [EVENT_SOURCES.inventory], schema: InventoryReleasedSchema },
  'Item Substituted': { sources: [EVENT_SOURCES.inventory], schema: ItemSubstitutedSchema },
  'Fulfillment Routed': { sources: [EVENT_SOURCES.inventory], schema: FulfillmentRoutedSchema },
  'Order Delivered': { sources: [EVENT_SOURCES.fulfilment], schema: OrderDeliveredSchema },
  'Order Returned': { sources: [EVENT_SOURCES.fulfilment], schema: OrderReturnedSchema },
  'Shipment Dispatched': { sources: [EVENT_SOURCES.fulfilment], schema: ShipmentDispatchedSchema },
  'Shipment In Transit': { sources: [EVENT_SOURCES.fulfilment], schema: ShipmentProgressSchema },
  'Shipment Out For Delivery': { sources: [EVENT_SOURCES.fulfilment], schema: ShipmentProgressSchema },
  'Delivery Attempt Failed': { sources: [EVENT_SOURCES.fulfilment], schema: ShipmentProgressSchema },
  'Return To Origin Started': { sources: [EVENT_SOURCES.fulfilment], schema: ShipmentProgressSchema },
  'Return Requested': { sources: [EVENT_SOURCES.fulfilment], schema: ReturnRequestedSchema },
  'Shipment Delayed': { sources: [EVENT_SOURCES.orders], schema: ShipmentDelayedSchema },
  'Address Confirmation Requested': { sources: [EVENT_SOURCES.orders], schema: AddressConfirmationRequestedSchema },
} as const;

export type DetailType = keyof typeof EVENT_CATALOG;
export type DetailOf<T extends DetailType> = z.infer<(typeof EVENT_CATALOG)[T]['schema']>;

export function isDetailType(value: string): value is DetailType {
  return Object.hasOwn(EVENT_CATALOG, value);
}

/** Parses a consumed event's detail against the catalog; throws a ZodError naming the fields. */
export function parseDetail<T extends DetailType>(detailType: T, detail: unknown): DetailOf<T> {
  return EVENT_CATALOG[detailType].schema.parse(detail) as DetailOf<T>;
}
