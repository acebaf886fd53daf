import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { TrackingUpdate } from './milestones.ts';

/**
 * AfterShip Tracking webhooks: one feed for the carriers our warehouses hand to (Delhivery, JNE,
 * Pos Laju…), already mapped to AfterShip's delivery statuses (`tag`) and sub-statuses
 * (`subtag`). Signed with `aftership-hmac-sha256`: base64 HMAC-SHA256 of the raw body, keyed
 * with the account's webhook secret. The tracking is matched to our shipment by its number, the
 * AWB the warehouse reported at dispatch.
 */
export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256';

const CheckpointSchema = z.object({
  checkpoint_time: z.string().min(1),
  tag: z.string().optional().nullable(),
  subtag: z.string().optional().nullable(),
  message: z.string().optional().nullable(),
  location: z.string().optional().nullable(),
  city: z.string().optional().nullable(),
});

export const AfterShipWebhookSchema = z.object({
  event: z.string().min(1),
  event_id: z.string().min(1),
  ts: z.number().int().optional(),
  msg: z.object({
    id: z.string().min(1),
    tracking_number: z.string().min(1),
    slug: z.string().min(1),
    tag: z.string().min(1),
    subtag: z.string().optional().nullable(),
    subtag_message: z.string().optional().nullable(),
    updated_at: z.string().optional().nullable(),
    checkpoints: z.array(CheckpointSchema).default([]),
  }),
});
export type AfterShipWebhook = z.infer<typeof AfterShipWebhookSchema>;

export type AfterShipSignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: 'missing' | 'mismatch' };

export function signAfterShipBody(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyAfterShipSignature(secret: string | readonly string[], header: string | undefined, rawBody: string | Buffer): AfterShipSignatureCheck {
  if (!header) return { valid: false, reason: 'missing' };
  const offered = Buffer.from(header.trim(), 'base64');
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const genuine = secrets.some((key) => {
    const expected = Buffer.from(signAfterShipBody(key, rawBody), 'base64');
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  });
  return genuine ? { valid: true } : { valid: false, reason: 'mismatch' };
}

export type AfterShipInterpretation =
  | { readonly kind: 'update'; readonly awb: string; readonly update: TrackingUpdate }
  | { readonly kind: 'ignored'; readonly awb: string; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** AfterShip's subtags for a parcel going back: Exception_010 on its way, Exception_011 arrived. */
const RETURNING_TO_SENDER = 'Exception_010';
const RETURNED_TO_SENDER = 'Exception_011';

function milestoneOf(tag: string, subtag: string | undefined): TrackingUpdate['milestone'] | undefined {
  switch (tag) {
    case 'InTransit':
      return 'IN_TRANSIT';
    case 'OutForDelivery':
    case 'AvailableForPickup':
      return 'OUT_FOR_DELIVERY';
    case 'AttemptFail':
      return 'DELIVERY_ATTEMPT_FAILED';
    case 'Delivered':
      return 'DELIVERED';
    case 'Exception':
      if (subtag === RETURNING_TO_SENDER) return 'RTO_INITIATED';
      if (subtag === RETURNED_TO_SENDER) return 'RETURNED_TO_ORIGIN';
      return undefined;
    default:
      // InfoReceived (label printed), Pending, Expired: nothing the customer's journey turns on.
      return undefined;
  }
}

/** What one AfterShip `tracking_update` says; other events (EDD revisions…) are ignored. */
export function interpretAfterShipWebhook(body: AfterShipWebhook): AfterShipInterpretation {
  const { msg } = body;
  const awb = msg.tracking_number;
  if (body.event !== 'tracking_update') return { kind: 'ignored', awb, reason: `event ${body.event}` };
  const subtag = msg.subtag ?? undefined;
  const milestone = milestoneOf(msg.tag, subtag);
  if (!milestone) return { kind: 'ignored', awb, reason: `tag ${msg.tag}${subtag ? `/${subtag}` : ''}` };
  const latest = msg.checkpoints.at(-1);
  const occurredAt = latest?.checkpoint_time ?? msg.updated_at ?? undefined;
  if (!occurredAt || Number.isNaN(Date.parse(occurredAt))) return { kind: 'invalid', reason: 'no checkpoint_time or updated_at to date the update' };
  const words = [msg.subtag_message ?? latest?.message, latest?.location ?? latest?.city].filter((part): part is string => Boolean(part));
  return {
    kind: 'update',
    awb,
    update: {
      milestone,
      occurredAt: new Date(occurredAt).toISOString(),
      awb,
      // No carrier: the slug ("delhivery") is AfterShip's key, not the name customers know; the
      // warehouse's dispatch already recorded the carrier's name (an unknown AWB is refused with 409).
      sourceEventId: body.event_id,
      ...(words.length > 0 ? { detail: words.join(', ') } : {}),
    },
  };
}
