import { z } from 'zod';
import { CountrySchema, PaymentMethodSchema } from './canonical-order.ts';
import { EnvelopeFieldsSchema } from './event-envelope.ts';

/**
 * How a shipment ended: delivered to the customer, or returned to origin (RTO) undelivered.
 * Besides the order's timeline, routing learns from them: each outcome counts once per order
 * toward the destination's RTO risk (lambdas/fulfilment/domain/rto-risk.ts), so they carry the
 * destination and the payment method.
 */
const OutcomeFieldsSchema = EnvelopeFieldsSchema.extend({
  shipmentId: z.string().min(1),
  warehouseId: z.string().min(1),
  paymentMethod: PaymentMethodSchema,
  destination: z.object({ country: CountrySchema, postalCode: z.string().min(1) }),
  awb: z.string().min(1).optional(),
  carrier: z.string().min(1).optional(),
});

/** @example { "brand": "saffron-threads", "orderId": "…", "occurredAt": "…", "version": 6, "correlationId": "…", "shipmentId": "700123", "warehouseId": "IN-BLR-01", "paymentMethod": "cod", "destination": { "country": "IN", "postalCode": "560034" } } */
export const OrderDeliveredSchema = OutcomeFieldsSchema;
export type OrderDelivered = z.infer<typeof OrderDeliveredSchema>;

/** @example { …, "reason": "customer refused the COD parcel" } */
export const OrderReturnedSchema = OutcomeFieldsSchema.extend({ reason: z.string().min(1) });
export type OrderReturned = z.infer<typeof OrderReturnedSchema>;
