import { Command } from 'commander';
import { inventoryScheduleName } from '../lib/stacks/inventory-stack.ts';
import { findStorefront, STOREFRONTS } from '../lib/config/storefronts.ts';
import { productsOf } from '../lib/config/catalog.ts';
import { WAREHOUSES } from '../lib/config/warehouses.ts';
import { percentile, runBenchmark } from './support.ts';

/**
 * Lag from a stock change in the WMS to the storefront push that shows it, on the local cloud at
 * real speed: WMS webhook → API → stock table → Stock Level Changed → SQS (5 s batching window,
 * the debounce) → PushStorefrontStock → Shopify `inventorySetQuantities`. For warehouses without
 * webhooks, the same measured from the poll that picks the change up; on AWS the poll runs every
 * minute, so add up to 60 s for when the change falls in the minute.
 */
const options = new Command()
  .option('--changes <n>', 'stock changes per path', (value) => Number(value), 20)
  .option('--burst <n>', 'changes sent at once in the burst scenario', (value) => Number(value), 200)
  .option('--no-synth', 'reuse cdk.out')
  .parse()
  .opts<{ changes: number; burst: number; synth: boolean }>();

const byWebhook = WAREHOUSES.filter((warehouse) => warehouse.stockSync === 'webhooks');
const byPoll = WAREHOUSES.filter((warehouse) => warehouse.stockSync === 'poll');

/** A storefront that lists `sku` at `warehouseId`, to watch. */
function watcher(sku: string, warehouseId: string) {
  const storefront = STOREFRONTS.find((candidate) => candidate.inventoryItemIds[sku] && candidate.locationIds[warehouseId]);
  if (!storefront) throw new Error(`no storefront sells ${sku} from ${warehouseId}`);
  return findStorefront(storefront.brand)!;
}

const summary = (label: string, lags: number[]) => {
  const sorted = [...lags].sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} p50 ${percentile(sorted, 50).toFixed(0).padStart(6)} ms   p99 ${percentile(sorted, 99).toFixed(0).padStart(6)} ms   max ${sorted.at(-1)?.toFixed(0).padStart(6)} ms   (n=${sorted.length})`);
};

await runBenchmark(options.synth, async ({ system }) => {
  const seen = async (sku: string, warehouseId: string, expected: number, started: number, timeoutMs = 60_000): Promise<number> => {
    const storefront = watcher(sku, warehouseId);
    for (;;) {
      if (system.shopify.available(storefront.shop, storefront.inventoryItemIds[sku]!, storefront.locationIds[warehouseId]!) === expected) return performance.now() - started;
      if (performance.now() - started > timeoutMs) throw new Error(`${sku}@${warehouseId} never reached ${expected} on ${storefront.shop}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const webhookLags: number[] = [];
  for (let index = 0; index < options.changes; index++) {
    const warehouse = byWebhook[index % byWebhook.length]!;
    const product = productsOf(warehouse.country)[index % productsOf(warehouse.country).length]!;
    const onHand = 300 + index;
    const started = performance.now();
    system.wms.setStock(warehouse.id, product.sku, onHand);
    webhookLags.push(await seen(product.sku, warehouse.id, onHand - warehouse.safetyStock, started));
  }

  const pollLags: number[] = [];
  for (let index = 0; index < Math.max(3, Math.floor(options.changes / 4)); index++) {
    const warehouse = byPoll[index % byPoll.length]!;
    const product = productsOf(warehouse.country)[index % productsOf(warehouse.country).length]!;
    const onHand = 200 + index;
    system.wms.setStock(warehouse.id, product.sku, onHand);
    const started = performance.now();
    await system.cloud.runSchedule(inventoryScheduleName('dev', 'stock-poll'));
    pollLags.push(await seen(product.sku, warehouse.id, onHand - warehouse.safetyStock, started));
  }

  // A sale-day burst: many changes at once. The batching window folds them into a few pushes.
  const pushesBefore = system.shopify.pushes.length;
  const throttledBefore = system.shopify.throttled;
  const burst = Array.from({ length: options.burst }, (_, index) => {
    const warehouse = byWebhook[index % byWebhook.length]!;
    const products = productsOf(warehouse.country);
    return { warehouse, sku: products[Math.floor(index / byWebhook.length) % products.length]!.sku, onHand: 1000 + index };
  });
  const started = performance.now();
  for (const change of burst) system.wms.setStock(change.warehouse.id, change.sku, change.onHand);
  // The last value written for each SKU × warehouse is the one storefronts must end with.
  const finals = new Map(burst.map((change) => [`${change.sku}@${change.warehouse.id}`, change]));
  let burstDone = 0;
  for (const change of finals.values()) burstDone = Math.max(burstDone, await seen(change.sku, change.warehouse.id, change.onHand - change.warehouse.safetyStock, started, 120_000));
  await system.cloud.idle();

  console.log(`\nWMS stock change → storefront push, on the local cloud at real speed (batching window 5 s)\n`);
  summary('webhook warehouses (signed webhook)', webhookLags);
  summary('poll warehouses (from the poll run)', pollLags);
  console.log(`${'burst'.padEnd(44)} ${options.burst} changes (${finals.size} SKU × warehouse) all on every storefront after ${burstDone.toFixed(0)} ms`);
  console.log(`${''.padEnd(44)} ${system.shopify.pushes.length - pushesBefore} inventorySetQuantities calls, ${system.shopify.throttled - throttledBefore} throttled answers`);
  console.log('\nOn AWS, a poll warehouse adds up to 60 s (the schedule period); reconciliation bounds any missed change at 15 minutes.');
});
