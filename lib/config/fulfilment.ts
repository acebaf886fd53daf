import type { BrandConfig } from './brands.ts';
import { WAREHOUSES } from './warehouses.ts';

/**
 * How orders reach the ERP and the WMS. The ERP books every brand's web orders against one
 * customer account per brand; the 3PL knows each of our warehouses by its own numeric
 * fulfilment-centre id. A real deployment copies these from the ERP and the 3PL dashboard.
 */
export function erpCustomerNumberFor(brand: Pick<BrandConfig, 'id'>): string {
  return `WEB-${brand.id.toUpperCase()}`.slice(0, 20);
}

/** ShipBob-style location id per warehouse id (made up for the demo warehouses). */
export const WMS_LOCATION_IDS: Readonly<Record<string, number>> = Object.fromEntries(WAREHOUSES.map((warehouse, index) => [warehouse.id, 100 + index]));
