import type { BrandConfig } from '#config/brands';
import { rateCardFor, WAREHOUSE_REGIONS } from '#config/rate-cards';
import { productWeightGrams, routingWeightsFor } from '#config/routing';
import { findWarehouse, type WarehouseConfig } from '#config/warehouses';
import type { PaymentMethod } from '#shared/canonical-order';
import { locatePostalCode } from '#shared/postal/geo';
import { routeOrder } from './domain/routing/route-order.ts';
import type { OrderedLine, Place, RoutingDecision, StockLevel, WarehouseCandidate } from './domain/routing/types.ts';

/**
 * Builds a routing request from configuration and live numbers, the one way both the workflow's
 * Reserve And Route step and the what-if CLI ask routing for a decision.
 */

/** Where a warehouse is, from its postal code, or from its configured region when the code is unknown. */
export function warehousePlace(warehouse: WarehouseConfig): Place {
  const located = locatePostalCode(warehouse.country, warehouse.postalCode);
  if (located) return located;
  const region = WAREHOUSE_REGIONS[warehouse.id];
  if (!region) throw new Error(`cannot place warehouse ${warehouse.id}: its postal code is unknown and it has no WAREHOUSE_REGIONS entry`);
  return { country: warehouse.country, postalCode: warehouse.postalCode, latitude: warehouse.latitude, longitude: warehouse.longitude, ...region };
}

export interface BrandRoutingInput {
  readonly brand: BrandConfig;
  readonly lines: readonly OrderedLine[];
  readonly destination: Place;
  readonly paymentMethod: PaymentMethod;
  readonly orderedAt: Date;
  /** The level of a SKU at a warehouse, or undefined where it is not stocked. */
  readonly levelOf: (sku: string, warehouseId: string) => StockLevel | undefined;
  readonly rtoRisk: Readonly<Record<PaymentMethod, number>>;
}

/** The brand's warehouses as routing candidates, with the levels of the SKUs ordered. */
export function candidatesFor(brand: BrandConfig, skus: readonly string[], levelOf: BrandRoutingInput['levelOf']): WarehouseCandidate[] {
  return brand.warehouses
    .map((id) => findWarehouse(id))
    .filter((warehouse) => warehouse !== undefined)
    .map((warehouse) => ({
      warehouse,
      location: warehousePlace(warehouse),
      stock: Object.fromEntries(skus.flatMap((sku) => {
        const level = levelOf(sku, warehouse.id);
        return level ? [[sku, level] as const] : [];
      })),
    }));
}

export function routeForBrand(input: BrandRoutingInput): RoutingDecision {
  return routeOrder({
    lines: input.lines,
    destination: input.destination,
    paymentMethod: input.paymentMethod,
    orderedAt: input.orderedAt,
    candidates: candidatesFor(input.brand, [...new Set(input.lines.map((line) => line.sku))], input.levelOf),
    rtoRisk: input.rtoRisk,
    weights: routingWeightsFor(input.brand),
    rateCard: rateCardFor(input.destination.country),
    weightGrams: productWeightGrams,
  });
}
