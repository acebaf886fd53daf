import { createHmac } from 'node:crypto';
import type { CarrierSlug } from './carriers.ts';

/**
 * AfterShip tracking webhooks (`tracking_update`), as the courier network sends them: a POST
 * with header `aftership-hmac-sha256`, the base64 HMAC-SHA256 of the raw body keyed with the
 * webhook secret as UTF-8.
 */
export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256';

export const AFTERSHIP_TAGS = ['InfoReceived', 'InTransit', 'OutForDelivery', 'AttemptFail', 'Delivered', 'AvailableForPickup', 'Exception'] as const;
export type AfterShipTag = (typeof AFTERSHIP_TAGS)[number];
/** `<tag>_<NNN>`, e.g. `Delivered_004`. */
export type AfterShipSubtag = `${AfterShipTag}_${string}`;

export interface AfterShipCheckpoint {
  /** Local-clock time with the destination's offset, e.g. `2026-11-29T09:00:00+05:30`. */
  readonly checkpoint_time: string;
  readonly tag: AfterShipTag;
  readonly subtag: AfterShipSubtag;
  readonly message: string;
  readonly location: string;
  readonly city: string;
}

export interface AfterShipTracking {
  /** AfterShip's tracking id, stable for the tracking. */
  readonly id: string;
  readonly tracking_number: string;
  readonly slug: CarrierSlug;
  readonly tag: AfterShipTag;
  readonly subtag: AfterShipSubtag;
  readonly subtag_message: string;
  /** The ShipBob order id. */
  readonly order_id: string;
  /** `YYYY-MM-DD` in the destination, or null when the carrier gives none. */
  readonly expected_delivery: string | null;
  /** Local-clock ISO 8601. */
  readonly updated_at: string;
  /** Every checkpoint so far, oldest first. */
  readonly checkpoints: readonly AfterShipCheckpoint[];
}

export interface AfterShipWebhook {
  readonly event: 'tracking_update';
  /** A UUID v4; the same on every retry. */
  readonly event_id: string;
  /** Whether this is the tracking's first update with this tag. */
  readonly is_tracking_first_tag: boolean;
  /** Unix seconds, real wall time of the event being emitted. */
  readonly ts: number;
  readonly msg: AfterShipTracking;
}

/** The `aftership-hmac-sha256` header value for a raw body. */
export function signAfterShipWebhook(secret: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('base64');
}

export function tagOf(subtag: AfterShipSubtag): AfterShipTag {
  const tag = subtag.slice(0, subtag.lastIndexOf('_'));
  if (!(AFTERSHIP_TAGS as readonly string[]).includes(tag)) throw new Error(`${subtag} is not an AfterShip subtag`);
  return tag as AfterShipTag;
}

/** Where a scan happens: at the carrier's hub (origin side) or at the destination's delivery centre. */
export type ScanPlace = 'hub' | 'destination';

interface SubtagText {
  /** AfterShip's subtag message. */
  readonly subtagMessage: string;
  /** The carrier's own words on the checkpoint. */
  readonly checkpointMessage: string;
  readonly place: ScanPlace;
}

const SUBTAG_TEXT: Partial<Record<AfterShipSubtag, SubtagText>> = {
  InfoReceived_001: { subtagMessage: 'Info Received', checkpointMessage: 'Shipment manifested; pickup scheduled', place: 'hub' },
  InTransit_001: { subtagMessage: 'In Transit', checkpointMessage: 'Shipment picked up and in transit', place: 'hub' },
  InTransit_007: { subtagMessage: 'Departure Scan', checkpointMessage: 'Departed from facility', place: 'hub' },
  OutForDelivery_001: { subtagMessage: 'Out for Delivery', checkpointMessage: 'Out for delivery', place: 'destination' },
  AttemptFail_001: { subtagMessage: 'Failed Attempt', checkpointMessage: 'Delivery attempted: consignee unavailable', place: 'destination' },
  AvailableForPickup_001: { subtagMessage: 'Available for pickup', checkpointMessage: 'Available for pickup at the delivery centre', place: 'destination' },
  Delivered_001: { subtagMessage: 'Delivered', checkpointMessage: 'Delivered', place: 'destination' },
  Delivered_004: { subtagMessage: 'Delivered and received cash on delivery', checkpointMessage: 'Delivered; cash collected', place: 'destination' },
  Exception_001: { subtagMessage: 'Exception', checkpointMessage: 'Shipment held: exception', place: 'destination' },
  Exception_010: { subtagMessage: 'Returning to sender', checkpointMessage: 'Returning to sender (RTO initiated)', place: 'destination' },
  Exception_011: { subtagMessage: 'Returned to sender', checkpointMessage: 'Returned to sender', place: 'hub' },
};

/** The words for a subtag; one we have none for reads as its tag. */
export function subtagText(subtag: AfterShipSubtag): SubtagText {
  return SUBTAG_TEXT[subtag] ?? { subtagMessage: tagOf(subtag), checkpointMessage: tagOf(subtag), place: 'destination' };
}
