import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { executionNames, percentile, runBenchmark } from './support.ts';
import { BRANDS, findBrand } from '../lib/config/brands.ts';
import { ordersTableName } from '../lib/constructs/data-table.ts';
import { shopifySecretFor } from '../local/demo.ts';
import { demoOrders } from '../local/simulators/shopify/demo-orders.ts';
import { deliverShopifyWebhook, type ShopifyDelivery } from '../local/simulators/shopify/webhook-sender.ts';

/**
 * Intake under a sale-day burst: N signed webhooks of which a share are exact redeliveries (same
 * event id, webhook id and body, as Shopify retries). Prints intake throughput and latency, then
 * drains the system and checks exactness: one order item per unique order, one execution per
 * flow order, nothing lost.
 */
const options = new Command()
  .option('--webhooks <n>', 'webhooks to send', (value) => Number(value), 2000)
  .option('--duplicates <share>', 'share of webhooks that are redeliveries', (value) => Number(value), 0.2)
  .option('--concurrency <n>', 'webhooks in flight at once', (value) => Number(value), 8)
  .option('--no-synth', 'reuse cdk.out')
  .parse()
  .opts<{ webhooks: number; duplicates: number; concurrency: number; synth: boolean }>();


await runBenchmark(options.synth, async ({ cloud, dynamo, sfn }) => {
  const secrets = new Map(await Promise.all(BRANDS.map(async (brand) => [brand.id, await shopifySecretFor(cloud, brand.id)] as const)));
  const uniqueCount = Math.round(options.webhooks * (1 - options.duplicates));
  const demo = demoOrders(BRANDS, uniqueCount);
  // Orders that must reach the workflow: readable ones of brands that run the flow (live or shadow).
  const expectedExecutions = demo.filter((order) => order.expectedStatus === 'ACCEPTED' && findBrand(order.brand.id)?.defaultMode !== 'legacy').length;
  const originals: ShopifyDelivery[] = demo.map((order) => ({
    apiUrl: cloud.apiUrl,
    brand: order.brand.id,
    shopDomain: order.brand.storefrontDomain,
    secret: secrets.get(order.brand.id)!,
    body: JSON.stringify(order.payload),
    webhookId: randomUUID(),
    eventId: randomUUID(),
  }));
  // Redeliveries are interleaved with the originals, as retries land in the middle of a burst.
  const deliveries = [...originals];
  for (let copy = 0; copy < options.webhooks - uniqueCount; copy++) {
    const original = Math.floor(Math.random() * uniqueCount);
    deliveries.splice(Math.min(deliveries.length, original + 1 + Math.floor(Math.random() * 50)), 0, originals[original]!);
  }

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const bar = new SingleBar({ format: 'intake {bar} {value}/{total} webhooks', hideCursor: true }, Presets.shades_classic);
  bar.start(deliveries.length, 0);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const sentAt = performance.now();
        const { status } = await deliverShopifyWebhook(delivery);
        latencies.push(performance.now() - sentAt);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        bar.increment();
      }
    }),
  );
  const intakeSeconds = (Date.now() - started) / 1000;
  bar.stop();
  await cloud.idle();
  const drainSeconds = (Date.now() - started) / 1000;

  const documents = DynamoDBDocumentClient.from(dynamo);
  let recorded = 0;
  for (const original of originals) {
    const payload = JSON.parse(original.body) as { id: number };
    const { Item } = await documents.send(new GetCommand({ TableName: ordersTableName('dev'), Key: { pk: `ORDER#${original.brand}#${payload.id}`, sk: 'ORDER' } }));
    if (Item) recorded++;
  }
  const executions = await executionNames(sfn);

  latencies.sort((a, b) => a - b);
  console.log(`webhooks                        ${deliveries.length} (${uniqueCount} unique, ${deliveries.length - uniqueCount} redeliveries), concurrency ${options.concurrency}`);
  console.log(`intake throughput               ${(deliveries.length / intakeSeconds).toFixed(1)} webhooks/s (${intakeSeconds.toFixed(1)} s)`);
  console.log(`webhook answer p50 / p99 / max  ${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)} / ${latencies.at(-1)!.toFixed(0)} ms`);
  console.log(`answers                         ${[...statuses].map(([status, count]) => `${status}×${count}`).join(', ')}`);
  console.log(`drained (all orders settled)    ${drainSeconds.toFixed(1)} s after the first webhook`);
  console.log(`orders recorded                 ${recorded} of ${uniqueCount} unique (each order item is keyed by order id, so never more)`);
  console.log(`executions                      ${executions.length} of ${expectedExecutions} expected, duplicates among them: ${executions.length - new Set(executions).size}`);
});
