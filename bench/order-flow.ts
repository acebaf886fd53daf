import { statSync } from 'node:fs';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { ORDER_LIFECYCLE_ARN, percentile, runBenchmark } from './support.ts';
import { BRANDS, findBrand } from '../lib/config/brands.ts';
import type { LocalCloud } from '../local/cloud/cloud.ts';
import { expectedStatusOf, orderStatus, shopifySecretFor } from '../local/demo.ts';
import { demoOrders } from '../local/simulators/shopify/demo-orders.ts';
import { deliverShopifyWebhook } from '../local/simulators/shopify/webhook-sender.ts';

/**
 * Sends a burst of signed orders through the local cloud and prints throughput, latency
 * percentiles, the state transitions an order costs and the function bundle sizes. Figures are
 * from one 2-core machine with every service in one process: they compare changes, they do not
 * predict AWS latency.
 */
const options = new Command()
  .option('--orders <n>', 'orders in the burst', (value) => Number(value), 200)
  .option('--concurrency <n>', 'webhooks in flight at once', (value) => Number(value), 8)
  .option('--no-synth', 'reuse cdk.out')
  .parse()
  .opts<{ orders: number; concurrency: number; synth: boolean }>();

// ap-south-1 list prices (USD). Lambda GB-seconds are not measured locally, so they are not in the total.
const PRICE = { stepFunctionsTransition: 0.0285 / 1000, lambdaRequest: 0.2 / 1e6, putEventsEntry: 1 / 1e6, sqsRequest: 0.4 / 1e6 };


/** Each deployed function's bundle, by its construct path, from the assembly the cloud booted. */
function bundleSizes(cloud: LocalCloud): { name: string; kb: number }[] {
  return cloud.resources
    .filter((resource) => resource.type === 'AWS::Lambda::Function')
    .map((fn) => ({
      name: String(fn.metadata['aws:cdk:path']).split('/').slice(1, 3).join('/'),
      kb: statSync(join(fn.stack.assemblyDir, String(fn.metadata['aws:asset:path']), 'index.js')).size / 1024,
    }));
}

await runBenchmark(options.synth, async ({ cloud, dynamo, sfn }) => {
  const secrets = new Map(await Promise.all(BRANDS.map(async (brand) => [brand.id, await shopifySecretFor(cloud, brand.id)] as const)));
  const orders = demoOrders(BRANDS, options.orders);
  const webhookMs: number[] = [];
  const endToEndMs: number[] = [];
  const totalInvocations = () => [...cloud.lambda.invocationCounts().values()].reduce((sum, count) => sum + count, 0);
  const busEvents = () => cloud.eventBridge.archivedEvents('order-automation-dev').length;
  const invocationsBefore = totalInvocations();
  const eventsBefore = busEvents();
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < orders.length) {
      const order = orders[next++]!;
      const sentAt = Date.now();
      const response = await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: order.brand.id, shopDomain: order.brand.storefrontDomain, secret: secrets.get(order.brand.id)!, body: JSON.stringify(order.payload) });
      webhookMs.push(Date.now() - sentAt);
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${response.body}`);
      const expected = expectedStatusOf(order, findBrand(order.brand.id)!);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = await orderStatus(cloud, dynamo, order.brand.id, String(order.payload.id));
        if (status === expected) break;
        if (status === 'FAILED' || Date.now() > deadline) throw new Error(`order ${order.payload.id} is ${status ?? 'missing'}, expected ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      endToEndMs.push(Date.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  await cloud.idle();

  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ORDER_LIFECYCLE_ARN, maxResults: 1000 }));
  const sample = executions.slice(0, 20);
  let transitions = 0;
  for (const execution of sample) {
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }));
    transitions += events.filter((event) => event.type?.endsWith('StateEntered')).length;
  }
  const transitionsPerOrder = transitions / Math.max(1, sample.length);
  // Lambda invocations and bus events are counted on the local cloud (every attempt, every event
  // the archive kept: intake, workflow, inventory). SQS is an upper bound: each event is sent to
  // one queue, received and deleted, as if nothing were batched.
  const lambdaRequests = (totalInvocations() - invocationsBefore) / orders.length;
  const putEvents = (busEvents() - eventsBefore) / orders.length;
  const sqsRequests = 3 * putEvents;
  const costPer1000 = 1000 * (transitionsPerOrder * PRICE.stepFunctionsTransition + lambdaRequests * PRICE.lambdaRequest + putEvents * PRICE.putEventsEntry + sqsRequests * PRICE.sqsRequest);

  webhookMs.sort((a, b) => a - b);
  endToEndMs.sort((a, b) => a - b);
  console.log(`local cloud boot                 ${cloud.bootSeconds.toFixed(1)} s`);
  console.log(`orders                           ${orders.length} at concurrency ${options.concurrency}`);
  console.log(`throughput                       ${(orders.length / seconds).toFixed(1)} orders/s (${seconds.toFixed(1)} s)`);
  console.log(`webhook answer p50 / p99         ${percentile(webhookMs, 50)} / ${percentile(webhookMs, 99)} ms`);
  console.log(`webhook → final state p50 / p99  ${percentile(endToEndMs, 50)} / ${percentile(endToEndMs, 99)} ms`);
  console.log(`state transitions per order      ${transitionsPerOrder.toFixed(1)}`);
  console.log(`Lambda invocations per order     ${lambdaRequests.toFixed(1)}`);
  console.log(`bus events per order             ${putEvents.toFixed(1)}`);
  console.log(`cost per 1,000 orders            $${costPer1000.toFixed(4)} (Step Functions, Lambda requests, PutEvents, SQS; excludes Lambda GB-s and DynamoDB)`);
  for (const { name, kb } of bundleSizes(cloud)) console.log(`bundle ${name.padEnd(38)} ${kb.toFixed(0).padStart(5)} KB`);
});
