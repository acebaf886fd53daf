import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { buildPaymentEvent } from '../../local/simulators/razorpay/payment-event.ts';
import { deliverRazorpayWebhook } from '../../local/simulators/razorpay/webhook-sender.ts';
import { demoOrders, type ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { cancelledOf, malformedBodies, paidOf, updatedOf } from '../../local/simulators/shopify/scenarios.ts';
import { deliverUntilAnswered, deliverWithDuplicates, type ShopifyOrderTopic } from '../../local/simulators/shopify/webhook-sender.ts';
import { signedGet } from '../../lambdas/shared/signed-request.ts';
import { brandSecretName, findBrand } from '../../lib/config/brands.ts';
import { ordersTableName } from '../../lib/constructs/data-table.ts';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bootTestCloud, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const LIVE = 'saffron-threads';
const SHADOW = 'monsoon-kids';
let cloud: LocalCloud;
let documents: DynamoDBDocumentClient;
let s3: S3Client;
let sfn: SFNClient;
let sqs: SQSClient;
const shopifySecrets = new Map<string, string>();
let nextId = 6_100_000_000_000;

beforeAll(async () => {
  cloud = await bootTestCloud();
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint }));
  s3 = new S3Client({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.s3Endpoint });
  sfn = new SFNClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  sqs = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  for (const brand of [LIVE, SHADOW]) shopifySecrets.set(brand, await shopifySecretFor(cloud, brand));
});

afterAll(async () => {
  for (const client of [documents, s3, sfn, sqs]) client?.destroy();
  await cloud?.stop();
});

function newOrder(brand = LIVE): ShopifyOrderPayload {
  const [demo] = demoOrders([findBrand(brand)!], 1, nextId++, new Date(Date.now() - 60_000));
  return demo!.payload;
}

function send(payload: ShopifyOrderPayload | string, topic: ShopifyOrderTopic = 'orders/create', brand = LIVE, extra: { signature?: string; triggeredAt?: Date } = {}) {
  return deliverUntilAnswered({
    apiUrl: cloud.apiUrl,
    brand,
    shopDomain: `${brand}.myshopify.com`,
    secret: shopifySecrets.get(brand) ?? 'unknown-brand-secret',
    topic,
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    ...extra,
  });
}

async function orderItem(brand: string, orderId: string) {
  const { Item } = await documents.send(new GetCommand({ TableName: ordersTableName('dev'), Key: { pk: `ORDER#${brand}#${orderId}`, sk: 'ORDER' } }));
  return Item;
}

async function executionsOf(brand: string, orderId: string) {
  const stateMachineArn = `arn:aws:states:ap-south-1:000000000000:stateMachine:order-lifecycle-dev`;
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
  return executions.filter((execution) => execution.name === `${brand}-${orderId}`);
}

const archived = (detailType: string, orderId: string) =>
  cloud.eventBridge.archivedEvents('order-automation-dev').filter((event) => event['detail-type'] === detailType && (event.detail as { orderId?: string }).orderId === orderId);

async function rawArchive(key: string) {
  const bucket = cloud.physicalName('AWS::S3::Bucket', 'RawArchive/Resource');
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as { headers: Record<string, string>; body?: string };
}

async function legacyMessages(): Promise<{ brand: string; orderId: string; route: string }[]> {
  const name = cloud.physicalName('AWS::SQS::Queue', 'LegacyHandoff/Queue/Resource');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const messages: { brand: string; orderId: string; route: string }[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 }));
    if (Messages.length === 0) return messages;
    messages.push(...Messages.map((message) => JSON.parse(message.Body!)));
  }
}

describe('Shopify topics', () => {
  it('maps create, updated, paid and cancelled to their order events, ending cancelled', async () => {
    const created = newOrder();
    const updated = updatedOf(created, { note: 'Please call before delivery' });
    const paid = paidOf(updated);
    const cancelled = cancelledOf(paid, 'customer');

    for (const [payload, topic] of [[created, 'orders/create'], [updated, 'orders/updated'], [paid, 'orders/paid'], [cancelled, 'orders/cancelled']] as const) {
      expect((await send(payload, topic)).status).toBe(200);
      await cloud.idle();
    }

    const id = String(created.id);
    expect(archived('Order Received', id).map((event) => (event.detail as { topic: string }).topic)).toEqual(['orders/create']);
    expect(archived('Order Updated', id).map((event) => (event.detail as { topic: string }).topic).sort()).toEqual(['orders/paid', 'orders/updated']);
    expect(archived('Order Cancelled', id)).toHaveLength(1);
    const item = await orderItem(LIVE, id);
    expect(item?.status).toBe('CANCELLED');
    expect(JSON.parse(item?.order as string)).toMatchObject({ financialStatus: cancelled.financial_status, cancelReason: 'customer' });
  });

  it('ends in the newest state when paid arrives before an older updated', async () => {
    const created = newOrder();
    const updated = updatedOf(created, { note: 'gift wrap' });
    const paid = paidOf(updated);
    await send(created);
    await cloud.idle();

    // Processed in this order: two webhooks sent back to back may be applied either way round.
    await send(paid, 'orders/paid');
    await cloud.idle();
    await send(updated, 'orders/updated');
    await cloud.idle();

    const item = await orderItem(LIVE, String(created.id));
    expect(item?.sourceVersion).toBe(Date.parse(paid.updated_at));
    expect(JSON.parse(item?.order as string).financialStatus).toBe('paid');
    const { Items = [] } = await documents.send(
      new QueryCommand({ TableName: ordersTableName('dev'), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)', ExpressionAttributeValues: { ':pk': `ORDER#${LIVE}#${created.id}`, ':e': 'EVENT#' } }),
    );
    const stale = Items.filter((entry) => entry.detailType === 'Order Updated' && entry.summary.applied === false);
    expect(stale.map((entry) => entry.summary.topic)).toEqual(['orders/updated']);
  });

  it('a cancellation that arrives before the order is processed makes no downstream call', async () => {
    const created = newOrder();
    const cancelled = cancelledOf(created, 'customer');

    await send(cancelled, 'orders/cancelled');
    await cloud.idle();
    await send(created);
    await cloud.idle();

    const id = String(created.id);
    expect((await orderItem(LIVE, id))?.status).toBe('CANCELLED');
    expect(await executionsOf(LIVE, id)).toHaveLength(0);
    expect(archived('Order Accepted', id)).toHaveLength(0);
    expect((await legacyMessages()).filter((message) => message.orderId === id)).toHaveLength(0);
  });
});

describe('duplicates', () => {
  it('a delivery sent three times at once gives one order, one event and one execution', async () => {
    const created = newOrder();
    const results = await deliverWithDuplicates({ apiUrl: cloud.apiUrl, brand: LIVE, shopDomain: `${LIVE}.myshopify.com`, secret: shopifySecrets.get(LIVE)!, body: JSON.stringify(created) }, 3);
    await cloud.idle();

    expect(results.map((result) => result.status)).toEqual([200, 200, 200]);
    const id = String(created.id);
    expect(archived('Order Received', id)).toHaveLength(1);
    expect(await executionsOf(LIVE, id)).toHaveLength(1);
    expect((await orderItem(LIVE, id))?.status).toBe('SUBMITTED');
  });
});

describe('bad input', () => {
  it('answers each class with its status and message, and archives every body first', async () => {
    const good = newOrder();
    const cases = [
      { name: 'bad signature', response: await send(good, 'orders/create', LIVE, { signature: 'AAAA' }), status: 401, error: 'invalid_signature' },
      { name: 'unknown brand', response: await send(good, 'orders/create', 'no-such-brand'), status: 404, error: 'unknown_brand' },
      ...(await Promise.all(
        malformedBodies(newOrder()).map(async (body) => ({ name: body.name, response: await send(body.body), status: body.expected === 'invalid_json' ? 400 : 200, error: body.expected === 'invalid_json' ? 'invalid_json' : undefined })),
      )),
    ];
    await cloud.idle();

    for (const { name, response, status, error } of cases) {
      expect({ name, status: response.status }).toEqual({ name, status });
      const body = JSON.parse(response.body);
      if (error) expect({ name, error: body.error, hasMessage: typeof body.message === 'string' && body.message.length > 10 }).toEqual({ name, error, hasMessage: true });
      else expect({ name, rejected: body.rejected, fields: body.problems.length > 0 }).toEqual({ name, rejected: true, fields: true });
      const brand = name === 'unknown brand' ? 'no-such-brand' : LIVE;
      const key = `shopify/${brand}/${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/${response.eventId}.json`;
      expect((await rawArchive(key)).headers['x-shopify-event-id']).toBe(response.eventId);
    }
  });

  it('files a schema rejection where ops can see it, with field-level reasons', async () => {
    const order = newOrder();
    order.shipping_address.zip = '000000';

    const response = await send(order);
    await cloud.idle();

    expect(response.status).toBe(200);
    const item = await orderItem(LIVE, String(order.id));
    expect(item?.status).toBe('REJECTED');
    expect(JSON.parse(item?.rejectionReasons as string)).toEqual([expect.objectContaining({ field: 'shipping_address.zip' })]);
    const [rejected] = archived('Order Rejected', String(order.id));
    expect(rejected?.detail).toMatchObject({ stage: 'intake', archiveKey: expect.stringMatching(/^shopify\/saffron-threads\//) });
  });
});

describe('fuzzing the live intake', () => {
  it('answers any signed body with 200 or 400, never a crash, for both webhook sources', { timeout: 120_000 }, async () => {
    const { SecretString: razorpaySecret } = await new SecretsManagerClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl }).send(
      new GetSecretValueCommand({ SecretId: brandSecretName('dev', 'razorpay', LIVE) }),
    );
    const valid = JSON.stringify(newOrder());
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      // A real order with one character replaced: mostly still JSON, rarely still a valid order.
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })).map(([at, character]) => valid.slice(0, at) + character + valid.slice(at + 1)),
    );
    const topic = fc.constantFrom('orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/edited', '');

    await fc.assert(
      fc.asyncProperty(body, topic, async (payload, shopifyTopic) => {
        const shopify = await send(payload, shopifyTopic as ShopifyOrderTopic);
        const razorpay = await deliverRazorpayWebhook({ apiUrl: cloud.apiUrl, brand: LIVE, secret: razorpaySecret!, body: payload });
        for (const response of [shopify, razorpay]) {
          expect([200, 400]).toContain(response.status);
          expect(() => JSON.parse(response.body)).not.toThrow();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('Razorpay payments', () => {
  it('a failed UPI payment followed by a captured retry leaves the order captured, and a replayed failure does not undo it', async () => {
    const order = newOrder();
    await send(order);
    await cloud.idle();
    const { SecretString: secret } = await new SecretsManagerClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl }).send(
      new GetSecretValueCommand({ SecretId: brandSecretName('dev', 'razorpay', LIVE) }),
    );
    const base = { shopifyOrderId: String(order.id), amountMinor: 129900, currency: 'INR', method: 'upi' as const, gatewayOrderId: 'order_Q1w2E3r4T5y6U7' };
    const failed = JSON.stringify(buildPaymentEvent({ ...base, type: 'failed', createdAt: new Date(Date.now() - 5000) }));
    const captured = JSON.stringify(buildPaymentEvent({ ...base, type: 'captured', createdAt: new Date() }));

    const responses = [
      await deliverRazorpayWebhook({ apiUrl: cloud.apiUrl, brand: LIVE, secret: secret!, body: captured }),
      await deliverRazorpayWebhook({ apiUrl: cloud.apiUrl, brand: LIVE, secret: secret!, body: failed }),
      await deliverRazorpayWebhook({ apiUrl: cloud.apiUrl, brand: LIVE, secret: secret!, body: failed, signature: 'ab'.repeat(32) }),
    ];
    await cloud.idle();

    expect(responses.map((response) => response.status)).toEqual([200, 200, 401]);
    const item = await orderItem(LIVE, String(order.id));
    expect(JSON.parse(item?.payment as string)).toMatchObject({ status: 'captured' });
    expect(archived('Payment Captured', String(order.id))).toHaveLength(1);
    expect(archived('Payment Failed', String(order.id))).toHaveLength(1);
  });
});

describe('shadow mode', () => {
  it('runs the flow with its outcome marked shadow, and leaves the order to the legacy process', async () => {
    const order = newOrder(SHADOW);

    expect((await send(order, 'orders/create', SHADOW)).status).toBe(200);
    await cloud.idle();

    const id = String(order.id);
    const item = await orderItem(SHADOW, id);
    expect(item).toMatchObject({ route: 'shadow', mode: 'shadow', status: 'ACCEPTED' });
    expect(archived('Order Accepted', id).map((event) => (event.detail as { mode: string }).mode)).toEqual(['shadow']);
    expect((await legacyMessages()).filter((message) => message.orderId === id)).toEqual([expect.objectContaining({ route: 'shadow' })]);
  });
});

describe('order status API', () => {
  it('refuses unsigned requests, answers signed ones with the timeline, and gives customers a minimal signed view', async () => {
    const order = newOrder();
    await send(order);
    await cloud.idle();
    const url = `${cloud.apiUrl}/orders/${LIVE}/${order.id}`;

    const unsigned = await fetch(url);
    const signed = await signedGet(url, 'ap-south-1', { accessKeyId: 'ops', secretAccessKey: 'ops' });
    const view = (await signed.json()) as { status: string; order: { orderId: string }; reservation: unknown; timeline: { detailType: string }[]; trackingPath: string };
    const tracked = await fetch(`${cloud.apiUrl}${view.trackingPath}`);
    const customer = (await tracked.json()) as Record<string, unknown>;
    const forged = await fetch(`${cloud.apiUrl}${view.trackingPath.replace(String(order.id), String(order.id + 1))}`);

    expect(unsigned.status).toBe(403);
    expect(signed.status).toBe(200);
    expect(view).toMatchObject({ status: 'SUBMITTED', order: { orderId: String(order.id) } });
    // Routing and reservation are decided in one step and share its time, so their order between themselves is not fixed.
    const timeline = view.timeline.map((entry) => entry.detailType);
    expect([timeline[0], ...timeline.slice(-2)]).toEqual(['Order Received', 'Order Accepted', 'Order Submitted']);
    expect([...timeline].sort()).toEqual(['Fulfillment Routed', 'Inventory Reserved', 'Order Accepted', 'Order Received', 'Order Submitted']);
    expect(view.reservation).toMatchObject({ status: 'RESERVED', warehouseId: expect.stringMatching(/^IN-/), substitutions: [], routing: { kind: 'single', reasons: expect.arrayContaining([expect.stringMatching(/shipping/)]) } });
    expect(tracked.status).toBe(200);
    expect(customer).toMatchObject({ orderNumber: order.name, status: 'Order confirmed; it is being packed', shipsTo: { city: order.shipping_address.city } });
    expect(JSON.stringify(customer)).not.toMatch(new RegExp([order.email, order.shipping_address.address1].join('|')));
    expect(forged.status).toBe(404);
  });
});
