import { z } from 'zod';
import type { TrackingUpdate } from './milestones.ts';

/**
 * ShipBob's webhooks as far as tracking needs them. The topic comes in `x-webhook-topic`; the
 * body is the order, whose id is the shipmentId our WMS adapter returned.
 * - `order.shipped`: the parcel left the warehouse, with carrier and tracking number (AWB);
 * - `order.shipment.delivered`: the carrier reported it delivered (ShipBob relays it);
 * - `order.shipment.exception`: a warehouse problem; recorded on the timeline, the milestone stays.
 */
export const SHIPBOB_TRACKING_TOPICS = ['order.shipped', 'order.shipment.delivered', 'order.shipment.exception'] as const;
export type ShipBobTrackingTopic = (typeof SHIPBOB_TRACKING_TOPICS)[number];

const TrackingSchema = z.object({
  carrier: z.string().min(1),
  tracking_number: z.string().min(1),
  tracking_url: z.string().optional().nullable(),
  shipping_date: z.iso.datetime({ offset: true }).optional().nullable(),
});

export const ShipBobOrderWebhookSchema = z.object({
  id: z.number().int().positive(),
  reference_id: z.string().min(1),
  shipments: z
    .array(
      z.object({
        id: z.number().int(),
        status: z.string(),
        last_update_at: z.iso.datetime({ offset: true }).optional().nullable(),
        delivery_date: z.iso.datetime({ offset: true }).optional().nullable(),
        tracking: TrackingSchema.optional().nullable(),
      }),
    )
    .min(1),
});
export type ShipBobOrderWebhook = z.infer<typeof ShipBobOrderWebhookSchema>;

export type ShipBobInterpretation =
  | { readonly kind: 'update'; readonly shipmentId: string; readonly update: TrackingUpdate }
  | { readonly kind: 'ignored'; readonly shipmentId: string; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function isShipBobTrackingTopic(topic: string | undefined): topic is ShipBobTrackingTopic {
  return (SHIPBOB_TRACKING_TOPICS as readonly string[]).includes(topic ?? '');
}

/** What one ShipBob webhook says about its shipment. */
export function interpretShipBobWebhook(topic: ShipBobTrackingTopic, body: ShipBobOrderWebhook, webhookId: string): ShipBobInterpretation {
  const shipmentId = String(body.id);
  const shipment = body.shipments[0]!;
  const tracking = shipment.tracking ?? undefined;
  const carrierFields = tracking
    ? { awb: tracking.tracking_number, carrier: tracking.carrier, ...(tracking.tracking_url ? { trackingUrl: tracking.tracking_url } : {}) }
    : {};
  switch (topic) {
    case 'order.shipped': {
      if (!tracking) return { kind: 'invalid', reason: 'order.shipped without shipments[0].tracking' };
      const occurredAt = tracking.shipping_date ?? shipment.last_update_at;
      if (!occurredAt) return { kind: 'invalid', reason: 'order.shipped without shipping_date or last_update_at' };
      return { kind: 'update', shipmentId, update: { milestone: 'DISPATCHED', occurredAt, sourceEventId: webhookId, ...carrierFields } };
    }
    case 'order.shipment.delivered': {
      const occurredAt = shipment.delivery_date ?? shipment.last_update_at;
      if (!occurredAt) return { kind: 'invalid', reason: 'order.shipment.delivered without delivery_date or last_update_at' };
      return { kind: 'update', shipmentId, update: { milestone: 'DELIVERED', occurredAt, sourceEventId: webhookId, ...carrierFields } };
    }
    case 'order.shipment.exception':
      return { kind: 'ignored', shipmentId, reason: `warehouse exception (shipment status ${shipment.status})` };
  }
}
