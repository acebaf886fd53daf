import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { percentile, runBenchmark } from './support.ts';
import { BRANDS, LANGUAGES, type BrandConfig } from '../lib/config/brands.ts';
import { productsOf } from '../lib/config/catalog.ts';
import { ordersTableName } from '../lib/constructs/data-table.ts';
import type { LocalCloud } from '../local/cloud/cloud.ts';
import { LOCAL_REGION } from '../local/cloud/contracts.ts';
import { NOTIFICATION_KINDS, type NotificationKind } from '../lambdas/notifications/domain/message-catalog.ts';
import { whatsAppTemplateFor } from '../lambdas/notifications/domain/whatsapp-template.ts';
import { CanonicalOrderSchema, type CanonicalOrder } from '../lambdas/shared/canonical-order.ts';
import { EVENT_CATALOG, parseDetail, type DetailType } from '../lambdas/shared/events.ts';

/**
 * Customer notifications under a burst, on the local cloud at real speed: N live orders are
 * seeded straight into the orders table, one lifecycle event per order is published to the bus
 * (a mix of confirmations, dispatches, out-for-delivery and deliveries) in PutEvents batches of
 * 10 as fast as the bus takes them, and the sender (CustomerUpdates queue → SendNotifications,
 * at most 10 batches at once) talks to the WhatsApp and SendGrid simulators. Prints messages/s,
 * PutEvents → accepted-by-the-provider latency, the WhatsApp throughput per business number
 * against its limit and how often the sender had to back off (130429), duplicates (must be 0),
 * Lambda invocations per message and the AWS side of the bill per 1,000 messages in ap-south-1.
 *
 * Meta's default throughput is 80 messages/s per business number. On a 2-core machine the local
 * pipeline peaks at about 16 WhatsApp messages/s per number with two brands, so neither 80 nor 40
 * is ever reached here; the bench defaults to 10/s, which is, and shows what the sender's
 * back-off does to throughput. `--whatsapp-mps 80` measures the pipeline without the limit.
 * Quiet hours (21:00–09:00 the customer's time) would hold non-urgent messages, so local time is
 * first fast-forwarded to 10:00 in India (11:30 in Jakarta, 12:30 in Kuala Lumpur).
 *
 * Everything shares one small machine (DynamoDB Local, the functions' worker threads, the
 * simulators): the figures compare changes to the sender, they do not predict AWS throughput.
 */
const options = new Command()
  .option('--messages <n>', 'messages to send: one order and one lifecycle event each', (value) => Number(value), 1500)
  .option('--whatsapp-mps <n>', 'WhatsApp Cloud API throughput per business number; Meta\'s default is 80, unreachable locally', (value) => Number(value), 10)
  .option('--email-share <share>', 'share of customers who prefer email', (value) => Number(value), 0.2)
  .option('--brands <n>', 'live brands the orders are spread over (one WhatsApp number each)', (value) => Number(value), 2)
  .option('--timeout <s>', 'give up waiting for the messages after this many seconds', (value) => Number(value), 1800)
  .option('--no-synth', 'reuse cdk.out')
  .parse()
  .opts<{ messages: number; whatsappMps: number; emailShare: number; brands: number; timeout: number; synth: boolean }>();

const STAGE = 'dev';
const BUS = `order-automation-${STAGE}`;
const HOUR = 3_600_000;
const WHATSAPP_DEFAULT_MPS = 80;

/**
 * ap-south-1 list prices (USD). DynamoDB on-demand as of the November 2024 price cut; the Lambda
 * functions run on arm64. Provider fees (WhatsApp per template message, SendGrid plan) are not AWS
 * and are not included.
 */
const PRICE = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  sqsRequest: 0.4 / 1e6,
  httpApiRequest: 1.1 / 1e6,
  dynamoWriteUnit: 0.7125 / 1e6,
  dynamoReadUnit: 0.1425 / 1e6,
  s3Put: 0.005 / 1000,
};

/** The lifecycle moments sent, in turn: two urgent (confirmation, out for delivery), two that quiet hours would hold. */
const MIX = [
  { detailType: 'Order Accepted', kind: 'order_confirmed' },
  { detailType: 'Shipment Dispatched', kind: 'order_dispatched' },
  { detailType: 'Shipment Out For Delivery', kind: 'out_for_delivery' },
  { detailType: 'Order Delivered', kind: 'order_delivered' },
] as const satisfies readonly { detailType: DetailType; kind: NotificationKind }[];

const ADDRESSES: Readonly<Record<BrandConfig['country'], { line1: string; city: string; province: string; postalCode: string; carrier: string; dial: string }>> = {
  IN: { line1: '14 Residency Road', city: 'Bengaluru', province: 'Karnataka', postalCode: '560025', carrier: 'Delhivery', dial: '+9199' },
  ID: { line1: 'Jl. Kebon Sirih No. 12', city: 'Jakarta Pusat', province: 'DKI Jakarta', postalCode: '10110', carrier: 'JNE', dial: '+62812' },
  MY: { line1: '21 Jalan Ampang', city: 'Kuala Lumpur', province: 'Wilayah Persekutuan Kuala Lumpur', postalCode: '50450', carrier: 'Pos Laju', dial: '+6011' },
};

interface BenchOrder {
  readonly brand: BrandConfig;
  readonly order: CanonicalOrder;
  readonly mix: (typeof MIX)[number];
  readonly entry: PutEventsRequestEntry;
  /** Local clock time its PutEvents call went out. */
  sentAt?: number;
}

/** A paid, live order of one customer with a phone and an email no other order uses. */
function benchOrder(index: number, brand: BrandConfig, prefersEmail: boolean, nowIso: string): CanonicalOrder {
  const product = productsOf(brand.country)[0]!;
  const place = ADDRESSES[brand.country];
  const orderId = String(6_100_000_000_000 + index);
  const phone = `${place.dial}${String(index).padStart(8, '0')}`;
  const price = Math.round(product.price * 100);
  return CanonicalOrderSchema.parse({
    schemaVersion: 1,
    brand: brand.id,
    orderId,
    orderNumber: `#${100_000 + index}`,
    currency: brand.currency,
    totalMinor: price,
    subtotalMinor: price,
    taxMinor: 0,
    discountMinor: 0,
    shippingMinor: 0,
    financialStatus: 'paid',
    paymentMethod: 'prepaid',
    lines: [{ sku: product.sku, variantId: `V-${product.sku}`, title: product.title, quantity: 1, unitPriceMinor: price, taxMinor: 0, discountMinor: 0 }],
    customer: { name: `Customer ${index}`, email: `customer-${orderId}@example.com`, phone, ...(prefersEmail ? { preferredChannel: 'email' } : {}) },
    shippingAddress: { name: `Customer ${index}`, line1: place.line1, city: place.city, province: place.province, postalCode: place.postalCode, country: brand.country, phone },
    tags: [],
    noteAttributes: {},
    createdAt: nowIso,
    updatedAt: nowIso,
  });
}

/** The event a producer would publish for this order's moment, checked against the catalog's schema. */
function lifecycleEntry(mix: (typeof MIX)[number], brand: BrandConfig, order: CanonicalOrder, now: number): PutEventsRequestEntry {
  const place = ADDRESSES[brand.country];
  const awb = `AWB${order.orderId}`;
  const shipment = { shipmentId: `S-${order.orderId}`, warehouseId: brand.warehouses[0]!, awb, carrier: place.carrier };
  const envelope = { brand: brand.id, orderId: order.orderId, occurredAt: new Date(now).toISOString(), version: 1, correlationId: randomUUID() };
  const trackingUrl = `https://track.example.com/${awb}`;
  const detail =
    mix.detailType === 'Order Accepted' ? { ...envelope, mode: 'live' }
    : mix.detailType === 'Shipment Dispatched' ? { ...envelope, ...shipment, trackingUrl, promisedBy: new Date(now + 72 * HOUR).toISOString() }
    : mix.detailType === 'Shipment Out For Delivery' ? { ...envelope, ...shipment, trackingUrl }
    : { ...envelope, ...shipment, paymentMethod: order.paymentMethod, destination: { country: brand.country, postalCode: order.shippingAddress.postalCode } };
  parseDetail(mix.detailType, detail);
  return { EventBusName: BUS, Source: EVENT_CATALOG[mix.detailType].sources[0], DetailType: mix.detailType, Detail: JSON.stringify(detail) };
}

/** Moves local time to the next `hh:00` in India (UTC+5:30). */
async function fastForwardToIndianTime(system: { fastForward(ms: number): Promise<void> }, cloud: LocalCloud, hours: number): Promise<void> {
  const now = cloud.clock.now();
  const target = new Date(now);
  target.setUTCHours(hours, 0, 0, 0);
  target.setTime(target.getTime() - 5.5 * HOUR);
  while (target.getTime() <= now) target.setTime(target.getTime() + 24 * HOUR);
  await system.fastForward(target.getTime() - now);
}

/**
 * Worker-seconds per function while the bench runs. Each invocation is timed from the local
 * runtime's `invoke`; invocations beyond the function's worker threads wait for one there, so only
 * min(in flight, workers) count as running at any moment. An estimate of billed duration: the
 * functions share a small machine with DynamoDB Local, and the providers answer in microseconds.
 */
function trackBusyTime(cloud: LocalCloud, workersOf: (functionName: string) => number) {
  const runtime = cloud.lambda;
  const invoke = runtime.invoke.bind(runtime);
  const functions = new Map<string, { inFlight: number; since: number; busyMs: number }>();
  const account = (state: { inFlight: number; since: number; busyMs: number }, name: string, now: number) => {
    state.busyMs += Math.min(state.inFlight, workersOf(name)) * (now - state.since);
    state.since = now;
  };
  runtime.invoke = async (functionArnOrName, event) => {
    const name = functionArnOrName.split(':').pop()!;
    const state = functions.get(name) ?? { inFlight: 0, since: performance.now(), busyMs: 0 };
    functions.set(name, state);
    account(state, name, performance.now());
    state.inFlight++;
    try {
      return await invoke(functionArnOrName, event);
    } finally {
      account(state, name, performance.now());
      state.inFlight--;
    }
  };
  return {
    busySeconds: (name: string) => (functions.get(name)?.busyMs ?? 0) / 1000,
    stop: () => {
      runtime.invoke = invoke;
    },
  };
}

await runBenchmark(
  options.synth,
  async ({ system, cloud, dynamo }) => {
    if (!(options.messages > 0) || !(options.whatsappMps > 0) || !(options.emailShare >= 0 && options.emailShare <= 1) || !(options.brands > 0)) {
      throw new Error('--messages, --whatsapp-mps and --brands must be positive, --email-share between 0 and 1');
    }
    const brands = BRANDS.filter((brand) => brand.defaultMode === 'live').slice(0, options.brands);
    const functions = cloud.resources
      .filter((resource) => resource.type === 'AWS::Lambda::Function')
      .map((fn) => ({
        name: fn.name,
        label: String(fn.metadata['aws:cdk:path']).split('/').slice(1, 3).join('/'),
        memoryMb: Number((fn.properties as { MemorySize?: number }).MemorySize ?? 128),
        // The local cloud runs reserved concurrency's worth of worker threads, else 4 (LOCAL_WORKERS_PER_FUNCTION in local/cloud/cloud.ts).
        workers: Number((fn.properties as { ReservedConcurrentExecutions?: number }).ReservedConcurrentExecutions ?? 4),
      }));
    const fnByName = new Map(functions.map((fn) => [fn.name, fn]));
    const fnEndingWith = (suffix: string) => {
      const found = functions.find((fn) => fn.label.endsWith(`/${suffix}`));
      if (!found) throw new Error(`no function ${suffix} in the stage`);
      return found;
    };
    const sender = fnEndingWith('SendNotifications');
    const receivers = [fnEndingWith('ReceiveWhatsAppWebhook'), fnEndingWith('ReceiveSendGridEvents')];

    // Quiet hours end at 09:00 in India; 10:00 there is daytime in Jakarta and Kuala Lumpur too.
    await fastForwardToIndianTime(system, cloud, 10);

    const nowIso = new Date(cloud.clock.now()).toISOString();
    const emailEvery = options.emailShare > 0 ? 1 / options.emailShare : Infinity;
    const orders: BenchOrder[] = Array.from({ length: options.messages }, (_, index) => {
      const brand = brands[index % brands.length]!;
      // Spread evenly: order i prefers email when it crosses the next multiple of 1 / share.
      const prefersEmail = Math.floor((index + 1) / emailEvery) > Math.floor(index / emailEvery);
      const order = benchOrder(index, brand, prefersEmail, nowIso);
      const mix = MIX[Math.floor(index / brands.length) % MIX.length]!;
      return { brand, order, mix, entry: lifecycleEntry(mix, brand, order, cloud.clock.now()) };
    });

    // Seeded as the workflow leaves them: live, submitted, the canonical order as a JSON string.
    const documents = DynamoDBDocumentClient.from(dynamo);
    const seedStarted = Date.now();
    const puts = orders.map(({ brand, order }) => ({
      PutRequest: { Item: { pk: `ORDER#${brand.id}#${order.orderId}`, sk: 'ORDER', brand: brand.id, orderId: order.orderId, status: 'SUBMITTED', mode: 'live', order: JSON.stringify(order) } },
    }));
    const chunks = Array.from({ length: Math.ceil(puts.length / 25) }, (_, index) => puts.slice(index * 25, index * 25 + 25));
    let nextChunk = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextChunk < chunks.length) {
          let requests: typeof puts | undefined = chunks[nextChunk++]!;
          while (requests && requests.length > 0) {
            const { UnprocessedItems } = await documents.send(new BatchWriteCommand({ RequestItems: { [ordersTableName(STAGE)]: requests } }));
            requests = UnprocessedItems?.[ordersTableName(STAGE)] as typeof puts | undefined;
          }
        }
      }),
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const invocationsBefore = new Map(cloud.lambda.invocationCounts());
    const rejectedBefore = system.whatsapp.stats.rejected;
    const whatsappBefore = system.whatsapp.stats.accepted;
    const mailBefore = system.sendGrid.stats.accepted;
    const accepted = () => system.whatsapp.stats.accepted - whatsappBefore + (system.sendGrid.stats.accepted - mailBefore);
    const throttled = () => (system.whatsapp.stats.rejected['130429'] ?? 0) - (rejectedBefore['130429'] ?? 0);
    const busy = trackBusyTime(cloud, (name) => fnByName.get(name)?.workers ?? 4);

    const events = new EventBridgeClient({ endpoint: cloud.endpointUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const bar = new SingleBar({ format: 'notifications {bar} {value}/{total} messages | {rate} msg/s | 130429 back-offs {throttled}', hideCursor: true }, Presets.shades_classic);
    const started = cloud.clock.now();
    bar.start(orders.length, 0, { rate: '0.0', throttled: 0 });
    const progress = setInterval(() => {
      const seconds = (cloud.clock.now() - started) / 1000;
      bar.update(accepted(), { rate: (accepted() / Math.max(seconds, 0.001)).toFixed(1), throttled: throttled() });
    }, 200);
    let publishSeconds: number;
    let timedOut = false;
    try {
      // PutEvents in batches of 10, a few calls in flight, as fast as the bus answers.
      const batches = Array.from({ length: Math.ceil(orders.length / 10) }, (_, index) => orders.slice(index * 10, index * 10 + 10));
      let nextBatch = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (nextBatch < batches.length) {
            const batch = batches[nextBatch++]!;
            const sentAt = cloud.clock.now();
            for (const order of batch) order.sentAt = sentAt;
            const { FailedEntryCount, Entries } = await events.send(new PutEventsCommand({ Entries: batch.map((order) => order.entry) }));
            if (FailedEntryCount) throw new Error(`PutEvents refused ${FailedEntryCount} entries: ${JSON.stringify(Entries?.filter((entry) => entry.ErrorCode))}`);
          }
        }),
      );
      publishSeconds = (cloud.clock.now() - started) / 1000;
      const deadline = Date.now() + options.timeout * 1000;
      while (accepted() < orders.length) {
        if (Date.now() > deadline) {
          timedOut = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      clearInterval(progress);
      bar.update(accepted(), { rate: (accepted() / Math.max((cloud.clock.now() - started) / 1000, 0.001)).toFixed(1), throttled: throttled() });
      bar.stop();
      events.destroy();
    }
    // The providers' status webhooks (sent, delivered) follow each message; they are part of its cost.
    await system.settled();
    busy.stop();

    // Who got what: each order has its own phone and email, so an address names the order.
    const kindOfTemplate = new Map(NOTIFICATION_KINDS.flatMap((kind) => LANGUAGES.flatMap((language) => {
      const template = whatsAppTemplateFor(kind, language);
      return [[template.name, kind], [template.backupName, kind]] as const;
    })));
    const byAddress = new Map(orders.flatMap((order) => [[order.order.customer.phone!, order], [order.order.customer.email!.toLowerCase(), order]] as const));
    const whatsapp = system.whatsapp.all();
    const mail = system.sendGrid.all();
    const received = [
      ...whatsapp.map((message) => ({ channel: 'whatsapp' as const, address: message.to, kind: kindOfTemplate.get(message.template?.name ?? ''), at: message.at, phoneNumberId: message.phoneNumberId })),
      ...mail.map((message) => ({ channel: 'email' as const, address: message.to.toLowerCase(), kind: message.categories[0], at: message.at, phoneNumberId: undefined })),
    ];
    const perOrderKind = new Map<string, number>();
    const latencies = { whatsapp: [] as number[], email: [] as number[] };
    let strangers = 0;
    let wrongKind = 0;
    let otherChannel = 0;
    for (const message of received) {
      const order = byAddress.get(message.address);
      if (!order || order.sentAt === undefined) {
        strangers++;
        continue;
      }
      if (message.kind !== order.mix.kind) wrongKind++;
      if ((order.order.customer.preferredChannel ?? 'whatsapp') !== message.channel) otherChannel++;
      const key = `${order.brand.id}#${order.order.orderId}#${message.kind}`;
      perOrderKind.set(key, (perOrderKind.get(key) ?? 0) + 1);
      latencies[message.channel].push(message.at - order.sentAt);
    }
    const duplicates = [...perOrderKind.values()].reduce((sum, count) => sum + count - 1, 0);
    const lastAt = Math.max(started, ...received.map((message) => message.at));
    const wallSeconds = (lastAt - started) / 1000;
    const spanOf = (channel: 'whatsapp' | 'email') => (Math.max(started, ...received.filter((message) => message.channel === channel).map((message) => message.at)) - started) / 1000;
    const all = [...latencies.whatsapp, ...latencies.email].sort((a, b) => a - b);
    latencies.whatsapp.sort((a, b) => a - b);
    latencies.email.sort((a, b) => a - b);

    const stats = system.whatsapp.stats;
    const rejections = Object.entries(stats.rejected)
      .map(([code, count]) => [code, count - (rejectedBefore[code] ?? 0)] as const)
      .filter(([, count]) => count > 0);
    const backOffs = throttled();
    const messages = received.length;
    const invoked = (fn: { name: string }) => (cloud.lambda.invocationCounts().get(fn.name) ?? 0) - (invocationsBefore.get(fn.name) ?? 0);
    const senderInvocations = invoked(sender);
    const webhookInvocations = receivers.reduce((sum, fn) => sum + invoked(fn), 0);
    const others = functions.filter((fn) => fn !== sender && !receivers.includes(fn) && invoked(fn) > 0);

    // Per message, as the code does it (lambdas/notifications/notification-sender.ts, adapters/notifications-table.ts):
    // reads: the order, then the contact record of each channel the customer has (both here), consistent, on every attempt;
    // writes: claim (1), recordSent as a transaction of two items (2 × 2), and for a confirmation rememberOrder (1) and
    // countOnce, a transaction of two (2 × 2); a back-off releases (1) and claims again (1).
    const confirmations = orders.filter((order) => order.mix.kind === 'order_confirmed').length;
    const attempts = messages + backOffs;
    const senderReads = 3 * attempts;
    // Booking a turn on the number's line: at most two writes per WhatsApp send (a conditional set that fails when others wait, then the ADD).
    const senderWrites = 5 * messages + 5 * confirmations + 2 * backOffs + 2 * (whatsapp.length + backOffs);
    // SQS: EventBridge's SendMessage, then per batch one ReceiveMessage and one DeleteMessageBatch, and a ChangeMessageVisibility per hold.
    const sqsRequests = orders.length + 2 * senderInvocations + backOffs;
    const gbSeconds = (fn: (typeof functions)[number]) => busy.busySeconds(fn.name) * (fn.memoryMb / 1024);
    const senderCost = senderInvocations * PRICE.lambdaRequest + gbSeconds(sender) * PRICE.lambdaGbSecondArm + sqsRequests * PRICE.sqsRequest + senderWrites * PRICE.dynamoWriteUnit + senderReads * PRICE.dynamoReadUnit;
    // Each status webhook: one HTTP API request, one invocation, the raw body archived to S3, two consistent reads and a conditional update.
    const webhookCost =
      webhookInvocations * (PRICE.httpApiRequest + PRICE.lambdaRequest + PRICE.s3Put + PRICE.dynamoWriteUnit + 2 * PRICE.dynamoReadUnit) +
      receivers.reduce((sum, fn) => sum + gbSeconds(fn), 0) * PRICE.lambdaGbSecondArm;
    const per1000 = (dollars: number) => (1000 * dollars) / Math.max(messages, 1);
    const perMessage = (count: number) => (count / Math.max(messages, 1)).toFixed(2);

    const line = (label: string, value: string) => console.log(`${label.padEnd(40)} ${value}`);
    console.log();
    if (timedOut) console.log(`TIMED OUT after ${options.timeout} s: ${accepted()} of ${orders.length} messages accepted; figures below cover those\n`);
    line('local cloud boot', `${cloud.bootSeconds.toFixed(1)} s; ${orders.length} live orders seeded in ${seedSeconds.toFixed(1)} s`);
    line('orders', `${orders.length} over ${brands.map((brand) => brand.id).join(', ')}; ${orders.filter((order) => order.order.customer.preferredChannel === 'email').length} prefer email`);
    line('events', `${MIX.map((mix) => `${orders.filter((order) => order.mix === mix).length} ${mix.detailType}`).join(', ')}; published in ${publishSeconds.toFixed(1)} s (${(orders.length / Math.max(publishSeconds, 0.001)).toFixed(0)} events/s)`);
    line('local time', `${new Date(started).toISOString()} (10:00 in India: outside quiet hours everywhere)`);
    line('messages accepted', `${messages} of ${orders.length} (WhatsApp ${whatsapp.length}, email ${mail.length}) in ${wallSeconds.toFixed(1)} s from the first PutEvents`);
    line('throughput', `${(messages / Math.max(wallSeconds, 0.001)).toFixed(1)} messages/s overall`);
    line('  WhatsApp', `${(whatsapp.length / Math.max(spanOf('whatsapp'), 0.001)).toFixed(1)} messages/s (${whatsapp.length} in ${spanOf('whatsapp').toFixed(1)} s)`);
    line('  email', `${(mail.length / Math.max(spanOf('email'), 0.001)).toFixed(1)} messages/s (${mail.length} in ${spanOf('email').toFixed(1)} s)`);
    const latency = (sorted: number[]) => (sorted.length === 0 ? '-' : `${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 99).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)} ms`);
    line('PutEvents → accepted p50 / p99 / max', `${latency(all)} (WhatsApp ${latency(latencies.whatsapp)}; email ${latency(latencies.email)})`);
    line('WhatsApp limit per number', `${options.whatsappMps} messages/s (Meta's default: ${WHATSAPP_DEFAULT_MPS})`);
    for (const brand of brands) {
      const number = brand.senders.whatsapp.phoneNumberId;
      const sent = whatsapp.filter((message) => message.phoneNumberId === number).length;
      const peak = stats.peakPerSecond[number] ?? 0;
      line(`  ${brand.id} (${number})`, `peak ${peak}/s in any one second ${peak <= options.whatsappMps ? '≤' : '> !'} limit ${options.whatsappMps}; ${sent} messages, ${(sent / Math.max(spanOf('whatsapp'), 0.001)).toFixed(1)}/s on average`);
    }
    const peakOverall = Math.max(0, ...brands.map((brand) => stats.peakPerSecond[brand.senders.whatsapp.phoneNumberId] ?? 0));
    if (peakOverall < options.whatsappMps) line('', `the limit was not reached: lower --whatsapp-mps (or --brands) to see the sender back off`);
    line('130429 back-offs (throughput reached)', `${backOffs} (${(backOffs / Math.max(whatsapp.length, 1)).toFixed(2)} per WhatsApp message); all Graph rejections: ${rejections.map(([code, count]) => `${code}×${count}`).join(', ') || 'none'}`);
    line('SendGrid', `peak ${system.sendGrid.stats.peakPerSecond} requests/s (limit 100); rejections: ${Object.entries(system.sendGrid.stats.rejected).map(([status, count]) => `${status}×${count}`).join(', ') || 'none'}`);
    line('duplicates (same order and moment > 1)', `${duplicates}`);
    line('checks', `${strangers} messages to no bench customer, ${wrongKind} of another moment than published, ${otherChannel} on the customer's second channel`);
    line('Lambda invocations per message', `${perMessage(senderInvocations)} SendNotifications (batches of up to 10, retries of held messages included), ${perMessage(webhookInvocations)} status webhooks`);
    if (others.length > 0) line('  other consumers of the same events', others.map((fn) => `${fn.label.split('/').pop()} ${invoked(fn)}`).join(', ') + ' (not in the cost below)');
    line('Lambda worker time per message', `${((1000 * busy.busySeconds(sender.name)) / Math.max(messages, 1)).toFixed(1)} ms SendNotifications, ${((1000 * receivers.reduce((sum, fn) => sum + busy.busySeconds(fn.name), 0)) / Math.max(messages, 1)).toFixed(1)} ms status webhooks (local, ${sender.memoryMb} MB)`);
    line('DynamoDB per message (sender)', `${perMessage(senderWrites)} write units, ${perMessage(senderReads)} read units (from the code path; transactions count double)`);
    line('SQS requests per message', `${perMessage(sqsRequests)} (send, receive and delete per batch, visibility change per hold)`);
    line('cost per 1,000 messages, ap-south-1', `$${per1000(senderCost + webhookCost).toFixed(4)}: sender $${per1000(senderCost).toFixed(4)} (SQS, Lambda requests and GB-s, DynamoDB), status webhooks $${per1000(webhookCost).toFixed(4)} (HTTP API, Lambda, S3, DynamoDB)`);
    console.log('WhatsApp and SendGrid fees are not included: Meta charges per template message by category and country, SendGrid by plan.');
    console.log('Lambda GB-s come from local worker time on this machine (DynamoDB Local, simulators answering at once), an indication only.');
    if (timedOut || duplicates > 0 || messages < orders.length) process.exitCode = 1;
  },
  {
    logDir: '.local/bench-notifications-logs',
    schedules: 'manual',
    // Real time, so messages/s and latencies are measured, not simulated.
    clockSpeed: 1,
    whatsappMessagesPerSecond: options.whatsappMps,
    // Routing is not exercised here; a smaller RTO history only makes the boot quicker.
    rtoHistoryOrders: 20_000,
  },
);
