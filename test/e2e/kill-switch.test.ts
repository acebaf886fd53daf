import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setKillSwitch } from '../../bin/ops/config-commands.ts';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { demoOrders, type ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { deliverUntilAnswered } from '../../local/simulators/shopify/webhook-sender.ts';
import { findBrand } from '../../lib/config/brands.ts';
import { ordersTableName } from '../../lib/constructs/data-table.ts';
import { MODE_CACHE_TTL_MS } from '../../lambdas/orders/adapters/mode-config.ts';
import { bootTestCloud, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const BRAND = 'indigo-loom';
const TAKES_EFFECT_WITHIN_MS = MODE_CACHE_TTL_MS + 1_000;
let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let secret: string;

beforeAll(async () => {
  cloud = await bootTestCloud();
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
  secret = await shopifySecretFor(cloud, BRAND);
});

afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
});

interface Sent {
  readonly id: string;
  readonly sentAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill switch during a burst', () => {
  it('takes effect within the cache window, and every order ends in exactly one place', { timeout: 180_000 }, async () => {
    // Prepare: orders with valid addresses only, so each must end in the flow or with the legacy process.
    const orders: ShopifyOrderPayload[] = demoOrders([findBrand(BRAND)!], 60, 6_200_000_000_000)
      .filter((order) => order.expectedStatus === 'ACCEPTED')
      .map((order) => order.payload);
    const sent: Sent[] = [];
    const send = async (order: ShopifyOrderPayload) => {
      const sentAt = Date.now();
      // Shopify resends an unanswered delivery with the same ids; a burst on a loaded machine can take 5 s.
      const response = await deliverUntilAnswered({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: `${BRAND}.myshopify.com`, secret, body: JSON.stringify(order) });
      expect(response.status).toBe(200);
      sent.push({ id: String(order.id), sentAt });
    };

    // Act: a settled burst on the flow, then the flip in the middle of a second burst, orders
    // trickling in through the cache window, and a third burst after it.
    await Promise.all(orders.slice(0, 10).map(send));
    await cloud.idle();
    const secondBurst = Promise.all(orders.slice(10, 20).map(send));
    await sleep(100);
    const flippedAt = Date.now();
    await setKillSwitch({ environment: 'dev', client: dynamo }, true, 'e2e: legacy takes over mid-sale');
    await secondBurst;
    let next = 20;
    while (Date.now() - flippedAt < TAKES_EFFECT_WITHIN_MS && next < orders.length - 10) {
      await send(orders[next++]!);
      await sleep(1_500);
    }
    await sleep(Math.max(0, flippedAt + TAKES_EFFECT_WITHIN_MS - Date.now()));
    await Promise.all(orders.slice(next, next + 10).map(send));
    await cloud.idle();

    // Assess: one place per order, none lost, none doubled; after the window, only legacy.
    const documents = DynamoDBDocumentClient.from(dynamo);
    const sfn = new SFNClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
    const sqs = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:ap-south-1:000000000000:stateMachine:order-lifecycle-dev', maxResults: 1000 }));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: cloud.physicalName('AWS::SQS::Queue', 'LegacyHandoff/Queue/Resource') }));
    const handedOff: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 }));
      if (Messages.length === 0) break;
      handedOff.push(...Messages.map((message) => (JSON.parse(message.Body!) as { orderId: string }).orderId));
    }
    sfn.destroy();
    sqs.destroy();

    const places = await Promise.all(
      sent.map(async ({ id, sentAt }) => {
        const { Item } = await documents.send(new GetCommand({ TableName: ordersTableName('dev'), Key: { pk: `ORDER#${BRAND}#${id}`, sk: 'ORDER' } }));
        const inFlow = executions.filter((execution) => execution.name === `${BRAND}-${id}`).length;
        const inLegacy = handedOff.filter((orderId) => orderId === id).length;
        return { id, sentAt, route: Item?.route as string | undefined, status: Item?.status as string | undefined, inFlow, inLegacy };
      }),
    );
    expect(sent.length).toBeGreaterThanOrEqual(30);
    for (const place of places) {
      expect({ id: place.id, places: place.inFlow + place.inLegacy }).toEqual({ id: place.id, places: 1 });
      expect(place.route === 'live' ? [place.inFlow, place.status] : [place.inLegacy, place.status]).toEqual([1, place.route === 'live' ? 'SUBMITTED' : 'HANDED_TO_LEGACY']);
    }
    const settledBeforeFlip = places.filter((place) => orders.slice(0, 10).some((order) => String(order.id) === place.id));
    const afterWindow = places.filter((place) => place.sentAt >= flippedAt + TAKES_EFFECT_WITHIN_MS);
    expect(settledBeforeFlip.map((place) => place.route)).toEqual(Array(10).fill('live'));
    expect(afterWindow.length).toBeGreaterThanOrEqual(10);
    expect(afterWindow.every((place) => place.route === 'legacy')).toBe(true);
  });
});
