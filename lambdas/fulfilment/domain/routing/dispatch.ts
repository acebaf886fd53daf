import type { RoutingWarehouse } from './types.ts';

/**
 * When a parcel leaves and arrives. A warehouse's cut-off is in its own time zone, so "after
 * 16:00" is read on its clock, not the server's (Lambda runs in UTC).
 */

interface LocalClock {
  /** YYYY-MM-DD at the warehouse. */
  readonly date: string;
  /** Seconds since local midnight. */
  readonly secondsOfDay: number;
}

function localClock(at: Date, timeZone: string): LocalClock {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const date = `${String(part('year')).padStart(4, '0')}-${String(part('month')).padStart(2, '0')}-${String(part('day')).padStart(2, '0')}`;
  return { date, secondsOfDay: part('hour') * 3600 + part('minute') * 60 + part('second') };
}

/** True when the order reaches the warehouse after its cut-off (exactly at the cut-off still ships today). */
export function isAfterCutoff(orderedAt: Date, cutoff: RoutingWarehouse['dispatchCutoff']): boolean {
  const [hours = 0, minutes = 0] = cutoff.localTime.split(':').map(Number);
  return localClock(orderedAt, cutoff.timeZone).secondsOfDay > hours * 3600 + minutes * 60;
}

/** `date` (YYYY-MM-DD) plus whole calendar days; carriers' transit days already include their rest days. */
export function addDays(date: string, days: number): string {
  const shifted = new Date(`${date}T00:00:00Z`);
  shifted.setUTCDate(shifted.getUTCDate() + days);
  return shifted.toISOString().slice(0, 10);
}

export interface DispatchPlan {
  readonly afterCutoff: boolean;
  /** Days from the order to delivery: transit, plus one when the parcel leaves tomorrow. */
  readonly etaDays: number;
  readonly promisedDeliveryDate: string;
}

export function planDispatch(orderedAt: Date, warehouse: RoutingWarehouse, transitDays: number): DispatchPlan {
  const afterCutoff = isAfterCutoff(orderedAt, warehouse.dispatchCutoff);
  const etaDays = transitDays + (afterCutoff ? 1 : 0);
  return { afterCutoff, etaDays, promisedDeliveryDate: addDays(localClock(orderedAt, warehouse.dispatchCutoff.timeZone).date, etaDays) };
}
