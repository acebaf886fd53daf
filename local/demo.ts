import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BRANDS } from '../lib/config/brands.ts';
import type { LocalCloud } from './cloud/cloud.ts';
import { LOCAL_REGION } from './cloud/contracts.ts';
import { demoOrders, type DemoOrder } from './simulators/shopify/demo-orders.ts';
import { deliverShopifyWebhook } from './simulators/shopify/webhook-sender.ts';

export interface OrderOutcome {
  readonly brand: string;
  readonly orderId: string;
  readonly orderNumber: string;
  readonly expectedStatus: string;
  readonly status: string;
  readonly httpStatus: number;
}

const FINAL_STATUSES = new Set(['ACCEPTED', 'REJECTED', 'FAILED']);
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Reads a brand's Shopify secret from the local Secrets Manager, as an operator would with the CLI. */
export async function shopifySecretFor(cloud: LocalCloud, brand: string): Promise<string> {
  const client = new SecretsManagerClient({ endpoint: cloud.endpointUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: `order-automation/dev/shopify/${brand}` }));
  client.destroy();
  if (!SecretString) throw new Error(`brand ${brand} has no Shopify secret`);
  return SecretString;
}

/** The order's status in the orders table, or undefined while it is not recorded yet. */
export async function orderStatus(cloud: LocalCloud, client: DynamoDBClient, brand: string, orderId: string): Promise<string | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: cloud.physicalName('AWS::DynamoDB::Table', 'OrdersTable/Resource'),
      Key: { pk: { S: `ORDER#${brand}#${orderId}` }, sk: { S: 'ORDER' } },
    }),
  );
  return Item?.status?.S;
}

/**
 * Sends `count` signed demo orders through the public webhook API and waits for each to reach a
 * final state in the orders table (or for `timeoutMs` to pass).
 */
export async function runDemo(cloud: LocalCloud, count: number, timeoutMs = 120_000): Promise<OrderOutcome[]> {
  const secrets = new Map<string, string>();
  for (const brand of BRANDS) secrets.set(brand.id, await shopifySecretFor(cloud, brand.id));
  const orders = demoOrders(BRANDS, count);
  const sent = await Promise.all(
    orders.map(async (order: DemoOrder) => {
      const response = await deliverShopifyWebhook({
        apiUrl: cloud.apiUrl,
        brand: order.brand.id,
        shopDomain: order.brand.storefrontDomain,
        secret: secrets.get(order.brand.id)!,
        body: JSON.stringify(order.payload),
      });
      return { order, httpStatus: response.status };
    }),
  );

  const client = new DynamoDBClient({ endpoint: cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const outcomes = new Map<string, OrderOutcome>();
  const deadline = Date.now() + timeoutMs;
  while (outcomes.size < sent.length && Date.now() < deadline) {
    for (const { order, httpStatus } of sent) {
      const orderId = String(order.payload.id);
      if (outcomes.has(orderId)) continue;
      const status = httpStatus === 200 ? await orderStatus(cloud, client, order.brand.id, orderId) : `HTTP ${httpStatus}`;
      if (status && (FINAL_STATUSES.has(status) || httpStatus !== 200)) {
        outcomes.set(orderId, { brand: order.brand.id, orderId, orderNumber: order.payload.name, expectedStatus: order.expectedStatus, status, httpStatus });
      }
    }
    if (outcomes.size < sent.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  client.destroy();
  return sent.map(({ order, httpStatus }) => {
    const orderId = String(order.payload.id);
    return outcomes.get(orderId) ?? { brand: order.brand.id, orderId, orderNumber: order.payload.name, expectedStatus: order.expectedStatus, status: 'TIMED OUT', httpStatus };
  });
}
