import { findStorefront } from '../lib/config/storefronts.ts';
import { findWarehouse } from '../lib/config/warehouses.ts';
import { inventoryScheduleName } from '../lib/stacks/inventory-stack.ts';
import type { LocalSystem } from './local-system.ts';

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * Shows the inventory side of the system in a few lines: a signed WMS webhook reaching every
 * storefront that sells the SKU, and a count the WMS changed silently, found and corrected by a
 * reconciliation run. Returns the lines to print.
 */
export async function showStockSync(system: LocalSystem): Promise<string[]> {
  const lines: string[] = [];
  const warehouse = findWarehouse('IN-DEL-01')!;
  const sku = 'ST-SAREE-CHND';
  const storefront = findStorefront('saffron-threads')!;
  const shows = () => system.shopify.available(storefront.shop, storefront.inventoryItemIds[sku]!, storefront.locationIds[warehouse.id]!);

  const before = shows();
  const started = Date.now();
  const counted = system.wms.adjust(warehouse.id, sku, -37);
  const arrived = await until(() => shows() === counted.on_hand - warehouse.safetyStock, 30_000);
  lines.push(
    arrived
      ? `✓ WMS ${warehouse.id}: ${sku} counted ${counted.on_hand} → ${storefront.shop} shows ${shows()} available (was ${before}) after ${((Date.now() - started) / 1000).toFixed(1)} s (5 s debounce window)`
      : `✗ WMS ${warehouse.id}: ${sku} counted ${counted.on_hand}, but ${storefront.shop} still shows ${shows()}`,
  );

  system.wms.drift(warehouse.id, 'ST-JUTTI-38', 411);
  const summary = (await system.cloud.runSchedule(inventoryScheduleName('dev', 'reconciliation'))) as { driftIncidents: number; driftedSkus: number };
  await system.cloud.idle();
  lines.push(`${summary.driftIncidents === 1 ? '✓' : '✗'} reconciliation: ${summary.driftIncidents} drift incident, ${summary.driftedSkus} SKU corrected (ST-JUTTI-38 at ${warehouse.id} set to the WMS count 411; reservations untouched)`);
  return lines;
}
