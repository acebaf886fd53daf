import type { OrderedLine, WarehouseCandidate } from './types.ts';

/**
 * How healthy a warehouse's stock stays after it ships a parcel, 0 (drained) to 1 (plenty).
 *
 *   cover  = (available − quantity) / daily velocity          (days the SKU lasts there after the order)
 *   health = min(1, cover / TARGET_COVER_DAYS) × (LOW_WATER_FACTOR when low) ; 0 when nothing is left
 *
 * "Low" is fewer sellable units left than the SKU's safety stock, or a shelf (on hand − quantity)
 * below the safety stock: either way the next order or mis-pick eats the buffer. A parcel is as
 * healthy as its thinnest SKU, since that is the one that sells out first.
 */

/** Units a day assumed when no sales history is given: high on purpose, so unknown SKUs look thin rather than deep. */
export const DEFAULT_DAILY_VELOCITY = 5;
/** A month of cover is as healthy as a warehouse needs to be; more earns nothing extra. */
export const TARGET_COVER_DAYS = 30;
export const LOW_WATER_FACTOR = 0.25;

export interface LineHealth {
  readonly sku: string;
  readonly coverDays: number;
  readonly low: boolean;
  readonly health: number;
}

export function lineHealth(candidate: WarehouseCandidate, line: OrderedLine): LineHealth {
  const level = candidate.stock[line.sku] ?? { available: 0, safetyStock: 0, onHand: 0 };
  const velocity = candidate.dailyVelocity?.[line.sku];
  const perDay = velocity !== undefined && velocity > 0 ? velocity : DEFAULT_DAILY_VELOCITY;
  const remaining = Math.max(0, level.available - line.quantity);
  const coverDays = remaining / perDay;
  const low = remaining < level.safetyStock || level.onHand - line.quantity < level.safetyStock;
  const health = remaining === 0 ? 0 : Math.min(1, coverDays / TARGET_COVER_DAYS) * (low ? LOW_WATER_FACTOR : 1);
  return { sku: line.sku, coverDays, low, health };
}

/** The parcel's thinnest line (the first of equals, in line order). */
export function shipmentHealth(candidate: WarehouseCandidate, lines: readonly OrderedLine[]): LineHealth {
  const healths = lines.map((line) => lineHealth(candidate, line));
  if (healths.length === 0) throw new Error('a shipment has at least one line');
  return healths.reduce((worst, next) => (next.health < worst.health || (next.health === worst.health && next.coverDays < worst.coverDays) ? next : worst));
}
