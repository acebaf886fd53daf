import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { startDynamoDbLocal } from '../local/cloud/dynamodb/dynamodb-local.ts';
import { INVENTORY_TABLE_SCHEMA } from '../local/cloud/dynamodb/table-schemas.ts';
import { createTableFromTemplate } from '../local/cloud/dynamodb/tables.ts';
import { InventoryTable } from '../lambdas/inventory/adapters/inventory-table.ts';

/**
 * Reservations per second on DynamoDB Local: every order racing for one hot SKU (the sale case,
 * where transactions conflict on one item), then orders spread over many SKUs. DynamoDB Local is
 * one Java process on this machine, so the figures compare designs, not AWS capacity.
 */
const options = new Command()
  .option('--orders <n>', 'orders per scenario', (value) => Number(value), 1000)
  .option('--units <n>', 'units of the hot SKU', (value) => Number(value), 100)
  .option('--skus <n>', 'SKUs in the spread scenario', (value) => Number(value), 500)
  .option('--concurrency <n>', 'reservations in flight', (value) => Number(value), 50)
  .parse()
  .opts<{ orders: number; units: number; skus: number; concurrency: number }>();

async function run(label: string, count: number, reserve: (index: number) => Promise<{ status: string }>): Promise<void> {
  let next = 0;
  const counts = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < count) {
        const { status } = await reserve(next++);
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(34)} ${(count / seconds).toFixed(0).padStart(5)} reservations/s  (${[...counts].map(([status, n]) => `${status} ${n}`).join(', ')}; ${seconds.toFixed(1)} s)`);
}

const dynamo = await startDynamoDbLocal();
const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'ap-south-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
try {
  await createTableFromTemplate(client, 'inventory-bench', INVENTORY_TABLE_SCHEMA);
  const inventory = new InventoryTable('inventory-bench', client);
  const at = new Date().toISOString();
  const expiresAt = Date.now() + 3_600_000;

  await inventory.setOnHand('HOT', 'IN-BLR-01', options.units, 0, 'bench', at);
  await run(`one hot SKU (${options.units} units)`, options.orders, (index) => inventory.reserve(`hot#${index}`, [{ sku: 'HOT', warehouseId: 'IN-BLR-01', quantity: 1 }], expiresAt));
  const hot = await inventory.stock('HOT', 'IN-BLR-01');
  console.log(`  hot SKU after the race: on hand ${hot?.onHand}, reserved ${hot?.reserved}, available ${hot?.available}`);

  for (let sku = 0; sku < options.skus; sku++) await inventory.setOnHand(`SKU-${sku}`, 'IN-BLR-01', 1_000, 0, 'bench', at);
  await run(`${options.skus} SKUs, 2 lines per order`, options.orders, (index) =>
    inventory.reserve(`spread#${index}`, [{ sku: `SKU-${index % options.skus}`, warehouseId: 'IN-BLR-01', quantity: 1 }, { sku: `SKU-${(index * 7 + 3) % options.skus}`, warehouseId: 'IN-BLR-01', quantity: 1 }], expiresAt),
  );
} finally {
  client.destroy();
  await dynamo.stop();
}
