import { statSync } from 'node:fs';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { ORDER_LIFECYCLE_ARN, percentile, runBenchmark } from './support.ts';
import { BRANDS, findBrand } from '../lib/config/brands.ts';
import type { LocalCloud } from '../local/cloud/cloud.ts';
import { answerAsCustomer, expectedStatusOf, orderStatus, shopifySecretFor } from '../local/demo.ts';
import { demoJourneyFor } from '../local/shipping-demo.ts';
import { demoOrders } from '../local/simulators/shopify/demo-orders.ts';
import { deliverShopifyWebhook } from '../local/simulators/shopify/webhook-sender.ts';

/**
 * Sends signed orders through the local cloud and prints throughput, latency percentiles (webhook
 * → submitted: the ERP and the WMS both accepted), then lets every order travel to the customer
 * (a fast-forward of nine days: dispatch, carrier scans, SLA timers) and prints what a whole
 * lifecycle costs: state transitions, Lambda invocations, bus events, and the AWS bill per 1,000
 * orders in ap-south-1. Figures are from one 2-core machine with every service in one process:
 * they compare changes, they do not predict AWS latency.
 *
 * `--rate` sends at a fixed arrival rate (open loop), as a sale does, instead of a closed loop of
 * `--concurrency` senders. The reference festival peak: 90,000 orders a week on a normal week,
 * about 13,000 a day, of which the busiest hour takes a tenth; 8× that is 2.9 orders/s
 * (`--rate 2.9`), the load the reference deployment was tested at.
 */
const REFERENCE_NORMAL_ORDERS_PER_DAY = 90_000 / 7;
const BUSIEST_HOUR_SHARE = 0.1;
const options = new Command()
  .option('--orders <n>', 'orders in the burst', (value) => Number(value), 200)
  .option('--concurrency <n>', 'webhooks in flight at once (closed loop)', (value) => Number(value), 8)
  .option('--rate <orders/s>', 'arrival rate (open loop); `8x` for 8× the reference festival peak', (value) => (value === '8x' ? 8 * peakPerSecond() : Number(value)))
  .option('--fulfilment-latency <ms>', 'answer time of the simulated ERP and WMS, min-max', '150-600')
  .option('--no-synth', 'reuse cdk.out')
  .parse()
  .opts<{ orders: number; concurrency: number; rate?: number; fulfilmentLatency: string; synth: boolean }>();

function peakPerSecond(): number {
  return (REFERENCE_NORMAL_ORDERS_PER_DAY * BUSIEST_HOUR_SHARE) / 3600;
}
const [latencyMin = 150, latencyMax = 600] = options.fulfilmentLatency.split('-').map(Number);

// ap-south-1 list prices (USD). Lambda GB-seconds are not measured locally, so they are not in the total.
const PRICE = { stepFunctionsTransition: 0.0285 / 1000, lambdaRequest: 0.2 / 1e6, putEventsEntry: 1 / 1e6, sqsRequest: 0.4 / 1e6, httpApiRequest: 1.1 / 1e6 };


/** Each deployed function's bundle, by its construct path, from the assembly the cloud booted. */
function bundleSizes(cloud: LocalCloud): { name: string; kb: number }[] {
  return cloud.resources
    .filter((resource) => resource.type === 'AWS::Lambda::Function')
    .map((fn) => ({
      name: String(fn.metadata['aws:cdk:path']).split('/').slice(1, 3).join('/'),
      kb: statSync(join(fn.stack.assemblyDir, String(fn.metadata['aws:asset:path']), 'index.js')).size / 1024,
    }));
}

await runBenchmark(options.synth, async ({ system, cloud, dynamo, sfn }) => {
  const secrets = new Map(await Promise.all(BRANDS.map(async (brand) => [brand.id, await shopifySecretFor(cloud, brand.id)] as const)));
  const orders = demoOrders(BRANDS, options.orders);
  const webhookMs: number[] = [];
  const endToEndMs: number[] = [];
  const totalInvocations = () => [...cloud.lambda.invocationCounts().values()].reduce((sum, count) => sum + count, 0);
  // Counted as they go through the bus: the dev archive keeps only days, and the bench makes days pass.
  const seenEvents = new Set<string>();
  const busEvents = () => {
    for (const event of cloud.eventBridge.archivedEvents('order-automation-dev')) seenEvents.add(event.id);
    return seenEvents.size;
  };
  const busTimer = setInterval(busEvents, 200);
  const invocationsBefore = totalInvocations();
  const eventsBefore = busEvents();
  const started = Date.now();
  let next = 0;
  const sendOne = async (order: (typeof orders)[number]) => {
      const sentAt = Date.now();
      const response = await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: order.brand.id, shopDomain: order.brand.storefrontDomain, secret: secrets.get(order.brand.id)!, body: JSON.stringify(order.payload) });
      webhookMs.push(Date.now() - sentAt);
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${response.body}`);
      const expected = expectedStatusOf(order, findBrand(order.brand.id)!);
      const deadline = Date.now() + 120_000;
      let confirmedAt: number | undefined;
      for (;;) {
        const status = await orderStatus(cloud, dynamo, order.brand.id, String(order.payload.id));
        if (status === expected) break;
        // A COD order to a risky pincode waits for the customer; the bench answers at once and leaves that wait out of the latency.
        if (status === 'AWAITING_ADDRESS_CONFIRMATION' && confirmedAt === undefined && (await answerAsCustomer(cloud, String(order.payload.id)))) confirmedAt = Date.now();
        if (status === 'FAILED' || Date.now() > deadline) throw new Error(`order ${order.payload.id} is ${status ?? 'missing'}, expected ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      endToEndMs.push(Date.now() - sentAt);
  };
  if (options.rate) {
    // Open loop: arrivals at a fixed rate whatever the system's speed, as in a sale.
    const intervalMs = 1000 / options.rate;
    await Promise.all(orders.map(async (order, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * intervalMs));
      await sendOne(order);
    }));
  } else {
    const worker = async () => {
      while (next < orders.length) await sendOne(orders[next++]!);
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }
  const seconds = (Date.now() - started) / 1000;
  await system.settled();
  // The rest of each order's life: dispatch, carrier scans, delivery or return, SLA timers.
  const travelStarted = Date.now();
  await system.fastForward(9 * 86_400_000, { step: 3_600_000 });
  const travelSeconds = (Date.now() - travelStarted) / 1000;

  clearInterval(busTimer);
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ORDER_LIFECYCLE_ARN, maxResults: 1000 }));
  const sample = executions.filter((execution) => execution.status === 'SUCCEEDED').slice(0, 40);
  const statuses = new Map<string, number>();
  for (const execution of executions) statuses.set(execution.status ?? '?', (statuses.get(execution.status ?? '?') ?? 0) + 1);
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
  // Inbound API requests: the order webhook, then the warehouse's and the carriers' tracking webhooks (every attempt).
  const webhookRequests = (orders.length + system.wmsShipments.deliveries().length + system.couriers.deliveries().length) / orders.length;
  const costPer1000 = 1000 * (transitionsPerOrder * PRICE.stepFunctionsTransition + lambdaRequests * PRICE.lambdaRequest + putEvents * PRICE.putEventsEntry + sqsRequests * PRICE.sqsRequest + webhookRequests * PRICE.httpApiRequest);

  webhookMs.sort((a, b) => a - b);
  endToEndMs.sort((a, b) => a - b);
  console.log(`local cloud boot                 ${cloud.bootSeconds.toFixed(1)} s`);
  console.log(`orders                           ${orders.length} ${options.rate ? `arriving at ${options.rate.toFixed(2)}/s (8× the reference festival peak is ${(8 * peakPerSecond()).toFixed(2)}/s)` : `at concurrency ${options.concurrency}`}`);
  console.log(`ERP / WMS answer time            ${latencyMin}–${latencyMax} ms per call (simulated)`);
  console.log(`throughput                       ${(orders.length / seconds).toFixed(1)} orders/s (${seconds.toFixed(1)} s)`);
  console.log(`webhook answer p50 / p99         ${percentile(webhookMs, 50)} / ${percentile(webhookMs, 99)} ms`);
  console.log(`webhook → ERP+WMS accepted p50 / p99 ${percentile(endToEndMs, 50)} / ${percentile(endToEndMs, 99)} ms (live orders SUBMITTED; others their final state)`);
  console.log(`then 9 days of travel in         ${travelSeconds.toFixed(1)} s; executions ${[...statuses].map(([status, count]) => `${count} ${status}`).join(', ')}`);
  console.log(`per order, whole lifecycle       ${transitionsPerOrder.toFixed(1)} state transitions (completed executions), ${lambdaRequests.toFixed(1)} Lambda invocations, ${putEvents.toFixed(1)} bus events, ${webhookRequests.toFixed(1)} API requests`);
  console.log(`cost per 1,000 orders            $${costPer1000.toFixed(4)} in ap-south-1 (Step Functions, Lambda requests, PutEvents, SQS, HTTP API; excludes Lambda GB-s and DynamoDB)`);
  for (const { name, kb } of bundleSizes(cloud)) console.log(`bundle ${name.padEnd(38)} ${kb.toFixed(0).padStart(5)} KB`);
}, { fulfilmentLatencyMs: { min: latencyMin, max: latencyMax }, journeyFor: demoJourneyFor });
