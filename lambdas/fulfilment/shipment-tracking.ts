import { SFNClient } from '@aws-sdk/client-sfn';
import type { PublishableEvent } from '#shared/event-publisher';
import { resumeTask } from '#shared/task-token';
import type { ShipmentRecord, ShipmentsTable } from './adapters/shipments-table.ts';
import { judgeUpdate, satisfies, secondsUntil, type TrackingUpdate, type UpdateVerdict } from './domain/tracking/milestones.ts';

/** What a parked execution receives when its shipment moves on (the task's output). */
export interface TrackingOutput {
  readonly shipmentId: string;
  readonly milestone: ShipmentRecord['milestone'];
  readonly milestoneAt: string;
  readonly awb?: string;
  readonly carrier?: string;
  readonly trackingUrl?: string;
  readonly detail?: string;
  readonly promisedBy: string;
  /**
   * Seconds from the latest milestone to the end of the promised day (at least 1): Await
   * Delivery's TimeoutSecondsPath. Counted from when the carrier reported, not from when the
   * execution resumed, so a late webhook does not stretch the promise.
   */
  readonly secondsToPromise: number;
}

export function trackingOutput(record: ShipmentRecord): TrackingOutput {
  const { shipmentId, milestone, milestoneAt, awb, carrier, trackingUrl, detail, promisedBy } = record;
  return { shipmentId, milestone, milestoneAt, awb, carrier, trackingUrl, detail, promisedBy, secondsToPromise: secondsUntil(promisedBy, milestoneAt) };
}

const MAX_RACE_RETRIES = 10;
/** Longer than a webhook invocation may run (its timeout), so a live publisher never loses its claim. */
const ANNOUNCEMENT_LEASE_MS = 30_000;

export type RecordOutcome = { readonly record: ShipmentRecord; readonly verdict: UpdateVerdict };

/**
 * Applies tracking updates and resumes the execution waiting on a shipment. Both sides of the
 * rendezvous check the other: a webhook resumes a token parked before it, and a token parked
 * after the webhook is resumed at once by {@link ShipmentTracking.park}. Either may do it twice;
 * the second SendTaskSuccess is refused by Step Functions and ignored here.
 */
export class ShipmentTracking {
  constructor(
    private readonly shipments: ShipmentsTable,
    private readonly stepFunctions: SFNClient = new SFNClient({}),
  ) {}

  /** Applies `update` unless it is stale or a repeat; retries when another write raced it. */
  async record(shipment: ShipmentRecord, update: TrackingUpdate): Promise<RecordOutcome> {
    let current = shipment;
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const verdict = judgeUpdate(current, update);
      if (!verdict.apply) return { record: current, verdict };
      const applied = await this.shipments.applyUpdate(current, update);
      if (applied) return { record: applied, verdict };
      const reread = await this.shipments.get(current.shipmentId);
      if (!reread) throw new Error(`shipment ${current.shipmentId} disappeared while being updated`);
      current = reread;
    }
    throw new Error(`shipment ${shipment.shipmentId} kept changing under concurrent updates`);
  }

  /**
   * Publishes the event of the shipment's current milestone unless it already went out. Called
   * whatever the update's verdict: a webhook redelivered because publishing failed the first
   * time finds its update applied but unannounced, and publishes it then.
   */
  async announce(record: ShipmentRecord, publish: (event: PublishableEvent) => Promise<void>): Promise<boolean> {
    const announcement = `${record.milestone}@${record.milestoneSince}`;
    if (record.announced === announcement) return false;
    // ShipBob and AfterShip both report a delivery, often within the same second: one of them publishes.
    if ((await this.shipments.claimAnnouncement(record.shipmentId, announcement, Date.now(), ANNOUNCEMENT_LEASE_MS)) !== 'claimed') return false;
    const event = milestoneEvent(record);
    if (event) await publish(event);
    await this.shipments.markAnnounced(record.shipmentId, announcement);
    return event !== undefined;
  }

  /** Resumes the parked execution if the shipment has reached what it waits for. True when a task was resumed (or already had been). */
  async resumeIfDue(record: ShipmentRecord): Promise<boolean> {
    const waiting = record.waiting;
    if (!waiting || !satisfies(record.milestone, waiting.stage)) return false;
    await resumeTask(this.stepFunctions, waiting.token, trackingOutput(record));
    await this.shipments.clearWaiting(record.shipmentId, waiting.token);
    return true;
  }
}

/** The event announcing a shipment's new milestone; DELIVERED and RETURNED_TO_ORIGIN are the order-level outcomes routing learns from. */
export function milestoneEvent(record: ShipmentRecord): PublishableEvent | undefined {
  const envelope = {
    brand: record.brand,
    orderId: record.orderId,
    occurredAt: record.milestoneSince,
    // After the order's own versions (received 1, accepted 2, submitted 3), one per applied update.
    version: 3 + record.updates,
    correlationId: record.correlationId,
    shipmentId: record.shipmentId,
    warehouseId: record.warehouseId,
  };
  const carrierFields = { ...(record.awb ? { awb: record.awb } : {}), ...(record.carrier ? { carrier: record.carrier } : {}) };
  const progress = { ...envelope, ...carrierFields, ...(record.trackingUrl ? { trackingUrl: record.trackingUrl } : {}), ...(record.detail ? { detail: record.detail } : {}) };
  const outcome = { ...envelope, ...carrierFields, paymentMethod: record.paymentMethod, destination: record.destination } as const;
  switch (record.milestone) {
    case 'DISPATCHED':
      if (!record.awb || !record.carrier) return undefined;
      return { detailType: 'Shipment Dispatched', detail: { ...progress, awb: record.awb, carrier: record.carrier, promisedBy: record.promisedBy } };
    case 'IN_TRANSIT':
      return { detailType: 'Shipment In Transit', detail: progress };
    case 'OUT_FOR_DELIVERY':
      return { detailType: 'Shipment Out For Delivery', detail: progress };
    case 'DELIVERY_ATTEMPT_FAILED':
      return { detailType: 'Delivery Attempt Failed', detail: progress };
    case 'RTO_INITIATED':
      return { detailType: 'Return To Origin Started', detail: progress };
    case 'DELIVERED':
      return { detailType: 'Order Delivered', detail: outcome };
    case 'RETURNED_TO_ORIGIN':
      return { detailType: 'Order Returned', detail: { ...outcome, reason: record.detail ?? 'returned to origin undelivered' } };
    case 'CREATED':
    case 'CANCELLED':
      return undefined;
  }
}
