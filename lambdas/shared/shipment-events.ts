import { z } from 'zod';
import { EnvelopeFieldsSchema } from './event-envelope.ts';

/**
 * A shipment's way to the customer, one event per milestone, published by tracking as the
 * warehouse and the carrier report it. Customer notifications and the order's timeline read
 * them; `Shipment Delayed` comes from the order workflow's SLA timers.
 */
export const ShipmentProgressSchema = EnvelopeFieldsSchema.extend({
  shipmentId: z.string().min(1),
  warehouseId: z.string().min(1),
  awb: z.string().min(1).optional(),
  carrier: z.string().min(1).optional(),
  trackingUrl: z.url().optional(),
  /** The carrier's words: the reason of a failed attempt, the scan location. */
  detail: z.string().optional(),
});
export type ShipmentProgress = z.infer<typeof ShipmentProgressSchema>;

/**
 * The parcel left the warehouse with a carrier.
 * @example { "brand": "saffron-threads", "orderId": "…", "occurredAt": "…", "version": 4, "correlationId": "…", "shipmentId": "310000001", "warehouseId": "IN-BLR-01", "awb": "3021984756102", "carrier": "Delhivery", "trackingUrl": "https://www.delhivery.com/track/package/3021984756102", "promisedBy": "2026-12-04T23:59:59+05:30" }
 */
export const ShipmentDispatchedSchema = ShipmentProgressSchema.extend({
  awb: z.string().min(1),
  carrier: z.string().min(1),
  promisedBy: z.iso.datetime({ offset: true }),
});
export type ShipmentDispatched = z.infer<typeof ShipmentDispatchedSchema>;

/**
 * A shipment missed its promise: not dispatched in time (`stage: dispatch`), or not delivered by
 * the end of the promised day (`stage: delivery`). The workflow keeps waiting; this is the cue
 * to tell the customer before they ask. `occurredAt` is the deadline that passed.
 * @example { …, "shipmentId": "310000001", "warehouseId": "IN-BLR-01", "stage": "delivery", "dueBy": "2026-12-04T23:59:59+05:30", "awb": "3021984756102" }
 */
export const ShipmentDelayedSchema = EnvelopeFieldsSchema.extend({
  shipmentId: z.string().min(1),
  warehouseId: z.string().min(1),
  stage: z.enum(['dispatch', 'delivery']),
  dueBy: z.iso.datetime({ offset: true }),
  awb: z.string().min(1).optional(),
  carrier: z.string().min(1).optional(),
  trackingUrl: z.url().optional(),
});
export type ShipmentDelayed = z.infer<typeof ShipmentDelayedSchema>;

/**
 * A cash-on-delivery order to a high-risk destination waits for the customer to confirm the
 * address. The notifications context asks them (WhatsApp) and posts the answer to `replyPath`,
 * a signed capability for this one confirmation. `expiresAt` is when the brand's policy acts on
 * silence (`onTimeout`: ship anyway or cancel).
 * @example { "brand": "saffron-threads", "orderId": "…", "occurredAt": "…", "version": 2, "correlationId": "…", "replyPath": "/address-confirmations/saffron-threads.5801….k3f.x9Q…", "expiresAt": "2026-12-02T16:00:00.000Z", "onTimeout": "proceed", "risk": 0.41, "shipsTo": { "city": "Gonda", "postalCode": "271001" } }
 */
export const AddressConfirmationRequestedSchema = EnvelopeFieldsSchema.extend({
  replyPath: z.string().startsWith('/address-confirmations/'),
  expiresAt: z.iso.datetime({ offset: true }),
  onTimeout: z.enum(['cancel', 'proceed']),
  risk: z.number().min(0).max(1),
  shipsTo: z.object({ city: z.string(), postalCode: z.string() }),
});
export type AddressConfirmationRequested = z.infer<typeof AddressConfirmationRequestedSchema>;

/**
 * The order was cancelled after this shipment left the warehouse (or too late for the WMS to stop
 * it): it becomes a return. The customer is told to refuse it at the door or send it back;
 * tracking goes on until it is delivered or back at the warehouse.
 * @example { …, "shipmentId": "310000001", "warehouseId": "IN-BLR-01", "awb": "3021984756102", "carrier": "Delhivery", "detail": "order cancelled by the customer after dispatch" }
 */
export const ReturnRequestedSchema = ShipmentProgressSchema;
