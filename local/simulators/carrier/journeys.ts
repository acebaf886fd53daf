import type { AfterShipSubtag } from './aftership.ts';
import { localTimeDaysLater } from './carriers.ts';

export const JOURNEY_NAMES = ['onTime', 'late', 'failedAttemptThenDelivered', 'returnToOrigin', 'stuckInWarehouse'] as const;
export type JourneyName = (typeof JOURNEY_NAMES)[number];

/**
 * How long after the step before a step happens, on the local clock: a duration, or a wall-clock
 * time in the destination's time zone `days` calendar days after the step before (a delivery
 * round starts at 09:00 whatever time the parcel reached the delivery centre).
 */
export type StepOffset = { readonly minutes: number } | { readonly days: number; readonly at: `${number}:${number}` };

/** `ship`: the warehouse hands the parcel over and ShipBob sends `order.shipped`; a subtag: a carrier scan AfterShip reports. */
export type JourneyStepName = 'ship' | AfterShipSubtag;

export interface JourneyStep {
  readonly step: JourneyStepName;
  readonly after: StepOffset;
}

const minutes = (count: number): StepOffset => ({ minutes: count });
const hours = (count: number): StepOffset => ({ minutes: count * 60 });
const daysLaterAt = (days: number, at: `${number}:${number}`): StepOffset => ({ days, at });
const step = (name: JourneyStepName, after: StepOffset): JourneyStep => ({ step: name, after });

/**
 * Every journey, step by step. Each offset counts from the step before; the first from the
 * order's creation at ShipBob. A delivered journey also sends ShipBob's `order.shipment.delivered`.
 */
export const JOURNEYS: Readonly<Record<JourneyName, readonly JourneyStep[]>> = {
  onTime: [
    step('ship', hours(4)),
    step('InfoReceived_001', minutes(20)),
    step('InTransit_001', hours(6)),
    // The next morning's delivery run: next-day delivery within a zone, as Indian and SEA metros promise.
    step('OutForDelivery_001', daysLaterAt(0, '09:00')),
    step('Delivered_001', hours(3)),
  ],
  late: [
    step('ship', hours(4)),
    step('InfoReceived_001', minutes(20)),
    step('InTransit_001', hours(6)),
    step('InTransit_007', daysLaterAt(2, '14:00')),
    step('OutForDelivery_001', daysLaterAt(3, '09:00')),
    step('Delivered_001', hours(3)),
  ],
  failedAttemptThenDelivered: [
    step('ship', hours(4)),
    step('InfoReceived_001', minutes(20)),
    step('InTransit_001', hours(6)),
    step('OutForDelivery_001', daysLaterAt(1, '09:00')),
    step('AttemptFail_001', hours(5)),
    step('OutForDelivery_001', daysLaterAt(1, '09:00')),
    step('Delivered_001', hours(3)),
  ],
  returnToOrigin: [
    step('ship', hours(4)),
    step('InfoReceived_001', minutes(20)),
    step('InTransit_001', hours(6)),
    step('OutForDelivery_001', daysLaterAt(1, '09:00')),
    step('AttemptFail_001', hours(5)),
    step('OutForDelivery_001', daysLaterAt(1, '09:00')),
    step('AttemptFail_001', hours(5)),
    step('Exception_010', daysLaterAt(1, '10:00')),
    step('Exception_011', daysLaterAt(3, '15:00')),
  ],
  stuckInWarehouse: [],
};

/** When a step `after` the one at `previousMs` happens, in a destination `utcOffsetMinutes` from UTC. */
export function stepTime(previousMs: number, after: StepOffset, utcOffsetMinutes: number): number {
  if ('minutes' in after) return previousMs + after.minutes * 60_000;
  const at = localTimeDaysLater(previousMs, after.days, after.at, utcOffsetMinutes);
  // Same-day times already past roll to the next day.
  return at > previousMs ? at : localTimeDaysLater(previousMs, after.days + 1, after.at, utcOffsetMinutes);
}

/** When an on-time parcel shipped at `shippedMs` is delivered: what the carrier promises. */
export function promisedDelivery(shippedMs: number, utcOffsetMinutes: number): number {
  const steps = JOURNEYS.onTime;
  let at = shippedMs;
  for (const { step: name, after } of steps.slice(steps.findIndex((one) => one.step === 'ship') + 1)) {
    at = stepTime(at, after, utcOffsetMinutes);
    if (name.startsWith('Delivered_')) break;
  }
  return at;
}
