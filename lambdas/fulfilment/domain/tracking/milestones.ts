/**
 * Where a shipment is on its way to the customer, as the workflow and the customer see it, and
 * the rules for moving it on. Carrier feeds are at-least-once and unordered, so every update
 * names when it happened, and an update older than what is recorded changes nothing.
 */

export const SHIPMENT_MILESTONES = [
  'CREATED',
  'DISPATCHED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERY_ATTEMPT_FAILED',
  'DELIVERED',
  'RTO_INITIATED',
  'RETURNED_TO_ORIGIN',
  'CANCELLED',
] as const;
export type ShipmentMilestone = (typeof SHIPMENT_MILESTONES)[number];

/** What a workflow execution parks on for one shipment. */
export const TRACKING_STAGES = ['dispatch', 'delivery', 'return'] as const;
export type TrackingStage = (typeof TRACKING_STAGES)[number];

/** How far along each milestone is, to order two updates stamped with the same time. */
const PROGRESS: readonly ShipmentMilestone[] = ['CREATED', 'DISPATCHED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPT_FAILED', 'RTO_INITIATED', 'DELIVERED', 'RETURNED_TO_ORIGIN', 'CANCELLED'];

const TERMINAL: readonly ShipmentMilestone[] = ['DELIVERED', 'RETURNED_TO_ORIGIN', 'CANCELLED'];

export function isTerminal(milestone: ShipmentMilestone): boolean {
  return TERMINAL.includes(milestone);
}

/**
 * Whether a shipment at `milestone` ends the wait for `stage`:
 * - dispatch: once the parcel left the warehouse (or can never leave it: cancelled);
 * - delivery: once it was delivered, or started back to the warehouse (the SLA no longer applies to a return);
 * - return: once it is back at the warehouse.
 */
export function satisfies(milestone: ShipmentMilestone, stage: TrackingStage): boolean {
  switch (stage) {
    case 'dispatch':
      return milestone !== 'CREATED';
    case 'delivery':
      return milestone === 'DELIVERED' || milestone === 'RTO_INITIATED' || milestone === 'RETURNED_TO_ORIGIN' || milestone === 'CANCELLED';
    case 'return':
      return milestone === 'RETURNED_TO_ORIGIN';
  }
}

/** One thing a WMS or carrier said about a shipment. */
export interface TrackingUpdate {
  /** CANCELLED only ever comes from us: the WMS accepted our cancellation before dispatch. */
  readonly milestone: Exclude<ShipmentMilestone, 'CREATED'>;
  /** When it happened at the carrier or warehouse (ISO 8601), not when we heard of it. */
  readonly occurredAt: string;
  readonly awb?: string;
  readonly carrier?: string;
  readonly trackingUrl?: string;
  /** The carrier's words, e.g. "Customer not available" or the scan location. */
  readonly detail?: string;
  /** The sender's event id, for logs and the timeline. */
  readonly sourceEventId: string;
}

export interface ShipmentPosition {
  readonly milestone: ShipmentMilestone;
  readonly milestoneAt: string;
}

export type UpdateVerdict =
  | { readonly apply: true }
  | { readonly apply: false; readonly reason: 'stale' | 'duplicate' | 'after-terminal' | 'returning' };

/**
 * Whether `update` moves a shipment at `current` on: it is applied when it is newer than the
 * recorded one. (Events go out per milestone, not per scan, so the dozen "in transit" scans of
 * one journey make one event; see the shipments table's `milestoneSince`.)
 *
 * Once a parcel is returning to origin, only its arrival back counts: carriers keep scanning it
 * "in transit" on the way back, and that must not read as a delivery attempt again.
 */
export function judgeUpdate(current: ShipmentPosition, update: TrackingUpdate): UpdateVerdict {
  if (isTerminal(current.milestone)) return { apply: false, reason: 'after-terminal' };
  const order = Date.parse(update.occurredAt) - Date.parse(current.milestoneAt);
  if (order < 0) return { apply: false, reason: 'stale' };
  if (order === 0 && update.milestone === current.milestone) return { apply: false, reason: 'duplicate' };
  // Scans are often stamped to the second: at the same moment, only a step further along counts.
  if (order === 0 && PROGRESS.indexOf(update.milestone) < PROGRESS.indexOf(current.milestone)) return { apply: false, reason: 'stale' };
  if (current.milestone === 'RTO_INITIATED' && update.milestone !== 'RETURNED_TO_ORIGIN') return { apply: false, reason: 'returning' };
  return { apply: true };
}

/** How much of the delivery promise is left at `asOf`, in whole seconds, never less than 1 (Step Functions refuses 0). */
export function secondsUntil(deadline: string, asOf: string): number {
  return Math.max(1, Math.ceil((Date.parse(deadline) - Date.parse(asOf)) / 1000));
}

/**
 * The UTC offset whose end of day closes a delivery promise, per destination country. Indonesia
 * spans three zones; Jakarta time (WIB) is the earliest, so a promise never closes late for anyone.
 */
const PROMISE_UTC_OFFSETS: Readonly<Record<string, string>> = { IN: '+05:30', ID: '+07:00', MY: '+08:00' };

/** The last second of the promised day (YYYY-MM-DD) in the customer's country, as ISO 8601 with offset. */
export function promiseDeadline(promisedDeliveryDate: string, country: string): string {
  const offset = PROMISE_UTC_OFFSETS[country];
  if (!offset) throw new Error(`no delivery-promise time zone for country ${country}`);
  return `${promisedDeliveryDate}T23:59:59${offset}`;
}
