import type { ReservationLine } from './reservation.ts';
import { chooseSubstitute, type SubstitutionRules } from './substitution.ts';

/**
 * Where an order's stock comes from: one warehouse that can fill every line, substituting an
 * approved equivalent for a short line when the brand allows it. Splitting an order across
 * warehouses, and scoring warehouses by cost, speed and risk, belong to routing (issue 5); this
 * module only answers "which of the brand's warehouses can take the whole order right now".
 */
export interface OrderedItem {
  readonly sku: string;
  readonly quantity: number;
}

export interface AllocatedSubstitution {
  readonly originalSku: string;
  readonly substituteSku: string;
  readonly quantity: number;
  readonly reason: string;
}

export type Allocation =
  | { readonly kind: 'fill'; readonly warehouseId: string; readonly lines: readonly ReservationLine[]; readonly substitutions: readonly AllocatedSubstitution[] }
  | { readonly kind: 'short'; readonly short: readonly { readonly sku: string; readonly requested: number; readonly bestAvailable: number }[] };

/** Available units of a SKU at a warehouse (0 when unknown). */
export type AvailabilityLookup = (sku: string, warehouseId: string) => number;

/** Sums repeated SKUs: two lines of the same variant are one demand on the shelf. */
export function orderedQuantities(items: readonly OrderedItem[]): OrderedItem[] {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.sku, (totals.get(item.sku) ?? 0) + item.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}

function fillAt(warehouseId: string, items: readonly OrderedItem[], available: AvailabilityLookup, rules: SubstitutionRules): Allocation | undefined {
  const lines: ReservationLine[] = [];
  const substitutions: AllocatedSubstitution[] = [];
  // A substitute shares the shelf with any line that orders it directly, so count what is already taken.
  const taken = new Map<string, number>();
  const left = (sku: string) => available(sku, warehouseId) - (taken.get(sku) ?? 0);
  const take = (sku: string, quantity: number) => {
    taken.set(sku, (taken.get(sku) ?? 0) + quantity);
    lines.push({ sku, warehouseId, quantity });
  };
  for (const item of items) {
    if (left(item.sku) >= item.quantity) {
      take(item.sku, item.quantity);
      continue;
    }
    const decision = chooseSubstitute(rules, item.sku, item.quantity, left);
    if (!decision.substituted) return undefined;
    const { substitution } = decision;
    take(substitution.substituteSku, item.quantity);
    substitutions.push({ ...substitution, quantity: item.quantity });
  }
  return { kind: 'fill', warehouseId, lines, substitutions };
}

/**
 * The first warehouse, in the brand's order, that fills the whole order without substitutes;
 * failing that, the first that fills it with approved substitutes; failing that, a shortfall
 * naming each SKU no single warehouse can cover.
 */
export function allocate(items: readonly OrderedItem[], warehouseIds: readonly string[], available: AvailabilityLookup, rules: SubstitutionRules): Allocation {
  const demand = orderedQuantities(items);
  const noSubstitutes: SubstitutionRules = { ...rules, approvedCategories: [] };
  for (const policy of [noSubstitutes, rules]) {
    for (const warehouseId of warehouseIds) {
      const filled = fillAt(warehouseId, demand, available, policy);
      if (filled) return filled;
    }
  }
  const short = demand
    .map((item) => ({ sku: item.sku, requested: item.quantity, bestAvailable: Math.max(0, ...warehouseIds.map((warehouseId) => available(item.sku, warehouseId))) }))
    .filter((entry) => entry.bestAvailable < entry.requested);
  // Every SKU is somewhere, just not all in one place: report the whole order as short at its best.
  return { kind: 'short', short: short.length > 0 ? short : demand.map((item) => ({ sku: item.sku, requested: item.quantity, bestAvailable: item.quantity })) };
}
