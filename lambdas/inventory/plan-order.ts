import type { BrandConfig } from '#config/brands';
import { substitutionRulesFor } from '#config/catalog';
import type { PaymentMethod } from '#shared/canonical-order';
import type { OrderedLine, Place, PlannedShipment, RoutingDecision } from '../fulfilment/domain/routing/types.ts';
import { routeForBrand } from '../fulfilment/routing-request.ts';
import type { Plan, StockView } from './domain/reserve-order.ts';
import { chooseSubstitute } from './domain/substitution.ts';

/**
 * Reserve And Route's plan: routing chooses the warehouse (or the split with the fewest
 * shipments) by cost, speed, stock health and RTO risk; when no combination can fill the order
 * and the brand approves substitutes in the short SKU's category, a listed equivalent with enough
 * stock takes its place and routing runs again. What is chosen, and why, travels with the plan.
 */
export interface PlanInput {
  readonly brand: BrandConfig;
  readonly lines: readonly OrderedLine[];
  readonly destination: Place;
  readonly paymentMethod: PaymentMethod;
  readonly orderedAt: Date;
  readonly rtoRisk: Readonly<Record<PaymentMethod, number>>;
}

export interface PlannedSubstitution {
  readonly originalSku: string;
  readonly substituteSku: string;
  readonly quantity: number;
  readonly reason: string;
}

/** Every SKU the plan may need (ordered ones and their listed equivalents) at every warehouse of the brand. */
export function stockKeysFor(input: Pick<PlanInput, 'brand' | 'lines'>): { sku: string; warehouseId: string }[] {
  const rules = substitutionRulesFor(input.brand);
  const skus = new Set(input.lines.flatMap((line) => [line.sku, ...(rules.equivalents[line.sku] ?? []).map((equivalent) => equivalent.sku)]));
  return [...skus].flatMap((sku) => input.brand.warehouses.map((warehouseId) => ({ sku, warehouseId })));
}

function shipmentSummary(shipment: PlannedShipment) {
  const { warehouseId, lines, promisedDeliveryDate, etaDays, costMinor, currency, zone } = shipment;
  return { warehouseId, lines, promisedDeliveryDate, etaDays, costMinor, currency, zone };
}

function fill(decision: RoutingDecision, substitutions: readonly PlannedSubstitution[]): Plan {
  return {
    kind: 'fill',
    lines: decision.shipments.flatMap((shipment) => shipment.lines.map((line) => ({ ...line, warehouseId: shipment.warehouseId }))),
    details: {
      warehouseIds: decision.shipments.map((shipment) => shipment.warehouseId),
      shipments: decision.shipments.map(shipmentSummary),
      substitutions,
      routing: { kind: decision.kind, reasons: decision.reasons, alternatives: decision.alternatives },
    },
  };
}

export function planOrder(input: PlanInput, levels: readonly StockView[]): Plan {
  const bySkuAndWarehouse = new Map(levels.map((level) => [`${level.sku}@${level.warehouseId}`, level]));
  const levelOf = (sku: string, warehouseId: string) => bySkuAndWarehouse.get(`${sku}@${warehouseId}`);
  const route = (lines: readonly OrderedLine[]) => routeForBrand({ ...input, lines, levelOf });

  const first = route(input.lines);
  if (first.kind !== 'unfillable') return fill(first, []);

  const rules = substitutionRulesFor(input.brand);
  const totalAvailable = (sku: string) => input.brand.warehouses.reduce((sum, warehouseId) => sum + Math.max(0, levelOf(sku, warehouseId)?.available ?? 0), 0);
  const shortSkus = new Set(first.short.map((entry) => entry.sku));
  const substitutions: PlannedSubstitution[] = [];
  const lines = input.lines.map((line) => {
    if (!shortSkus.has(line.sku)) return line;
    const decision = chooseSubstitute(rules, line.sku, line.quantity, totalAvailable);
    if (!decision.substituted) return line;
    substitutions.push({ ...decision.substitution, quantity: line.quantity });
    return { sku: decision.substitution.substituteSku, quantity: line.quantity };
  });
  if (substitutions.length > 0) {
    const second = route(lines);
    if (second.kind !== 'unfillable') return fill(second, substitutions);
  }
  return { kind: 'short', short: first.short.map((entry) => ({ sku: entry.sku, requested: entry.requested, bestAvailable: entry.available })) };
}
