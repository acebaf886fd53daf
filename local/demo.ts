import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BRANDS, brandSecretName, findBrand, type BrandConfig } from '../lib/config/brands.ts';
import { ordersTableName } from '../lib/constructs/data-table.ts';
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
  /** True when the workflow asked the customer to confirm the address (COD to a risky pincode) and the demo answered yes. */
  readonly addressConfirmed?: boolean;
}

/** Where an order stops moving today: shadow orders end Accepted, live ones once the ERP and WMS have them. */
const FINAL_STATUSES = new Set(['SUBMITTED', 'REJECTED', 'FAILED', 'HANDED_TO_LEGACY', 'CANCELLED', 'AWAITING_STOCK']);
const DEMO_CONCURRENCY = 4;
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Reads a brand's Shopify secret from the local Secrets Manager, as an operator would with the CLI. */
export async function shopifySecretFor(cloud: LocalCloud, brand: string): Promise<string> {
  const client = new SecretsManagerClient({ endpoint: cloud.endpointUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: brandSecretName('dev', 'shopify', brand) }));
  client.destroy();
  if (!SecretString) throw new Error(`brand ${brand} has no Shopify secret`);
  return SecretString;
}

/**
 * Where a demo order must end: intake rejects a mistyped PIN whatever the mode; otherwise a
 * legacy-mode brand hands it to the legacy process, a shadow-mode one is accepted without any
 * external effect, and a live one is submitted to the ERP and the WMS.
 */
export function expectedStatusOf(order: DemoOrder, brand: BrandConfig): string {
  if (order.expectedStatus === 'REJECTED') return 'REJECTED';
  if (brand.defaultMode === 'legacy') return 'HANDED_TO_LEGACY';
  return brand.defaultMode === 'shadow' ? 'ACCEPTED' : 'SUBMITTED';
}

/** Statuses an order passes through; a shadow order stops at ACCEPTED, so that is final only for shadow brands. */
function isFinal(status: string, expected: string): boolean {
  return FINAL_STATUSES.has(status) || (expected === 'ACCEPTED' && status === 'ACCEPTED');
}

/** The order's status in the orders table, or undefined while it is not recorded yet. */
export async function orderStatus(cloud: LocalCloud, client: DynamoDBClient, brand: string, orderId: string): Promise<string | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: ordersTableName('dev'),
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
  // A few webhooks in flight at a time, as a storefront delivers them; a laptop cold-starting ten
  // function workers at once would otherwise spend Shopify's whole 5 s budget on start-up.
  const sent: { order: DemoOrder; httpStatus: number }[] = [];
  let next = 0;
  const deliverNext = async (): Promise<void> => {
    while (next < orders.length) {
      const order = orders[next++]!;
      const response = await deliverShopifyWebhook({
        apiUrl: cloud.apiUrl,
        brand: order.brand.id,
        shopDomain: order.brand.storefrontDomain,
        secret: secrets.get(order.brand.id)!,
        body: JSON.stringify(order.payload),
      });
      sent.push({ order, httpStatus: response.status });
    }
  };
  await Promise.all(Array.from({ length: DEMO_CONCURRENCY }, deliverNext));

  const client = new DynamoDBClient({ endpoint: cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const outcomes = new Map<string, OrderOutcome>();
  const confirmed = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (outcomes.size < sent.length && Date.now() < deadline) {
    for (const { order, httpStatus } of sent) {
      const orderId = String(order.payload.id);
      if (outcomes.has(orderId)) continue;
      const status = httpStatus === 200 ? await orderStatus(cloud, client, order.brand.id, orderId) : `HTTP ${httpStatus}`;
      if (status === 'AWAITING_ADDRESS_CONFIRMATION' && !confirmed.has(orderId) && (await answerAsCustomer(cloud, orderId))) confirmed.add(orderId);
      const expectedStatus = expectedStatusOf(order, findBrand(order.brand.id)!);
      if (status && (isFinal(status, expectedStatus) || httpStatus !== 200)) {
        outcomes.set(orderId, { brand: order.brand.id, orderId, orderNumber: order.payload.name, expectedStatus, status, httpStatus, addressConfirmed: confirmed.has(orderId) });
      }
    }
    if (outcomes.size < sent.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  client.destroy();
  return orders.map((order) => {
    const httpStatus = sent.find((delivery) => delivery.order === order)?.httpStatus ?? 0;
    const orderId = String(order.payload.id);
    return outcomes.get(orderId) ?? { brand: order.brand.id, orderId, orderNumber: order.payload.name, expectedStatus: expectedStatusOf(order, findBrand(order.brand.id)!), status: 'TIMED OUT', httpStatus };
  });
}

/**
 * Plays the customer who gets the WhatsApp question "is this address right?": finds the order's
 * Address Confirmation Requested event and posts "yes" to its reply path, as the WhatsApp
 * channel will. False when the question has not gone out yet.
 */
export async function answerAsCustomer(cloud: LocalCloud, orderId: string): Promise<boolean> {
  const request = cloud.eventBridge
    .archivedEvents('order-automation-dev')
    .find((event) => event['detail-type'] === 'Address Confirmation Requested' && (event.detail as { orderId?: string }).orderId === orderId);
  if (!request) return false;
  const { replyPath } = request.detail as { replyPath: string };
  const response = await fetch(`${cloud.apiUrl}${replyPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer: 'yes' }) });
  return response.status === 200;
}

/**
 * Where routing sent a few accepted orders and why (warehouse, shipping cost, promised date), as
 * the status API shows it; lines ready to print.
 */
export async function routingSamples(cloud: LocalCloud, outcomes: readonly OrderOutcome[], count = 3): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint: cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const lines: string[] = [];
  try {
    for (const outcome of outcomes.filter((candidate) => candidate.status === 'SUBMITTED').slice(0, count)) {
      const { Item } = await client.send(new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${outcome.brand}#${outcome.orderId}` }, sk: { S: 'ORDER' } } }));
      const reservation = Item?.reservation?.S ? (JSON.parse(Item.reservation.S) as { shipments: { warehouseId: string; promisedDeliveryDate: string }[]; routing: { reasons: string[] } }) : undefined;
      if (!reservation) continue;
      const shipments = reservation.shipments.map((shipment) => `${shipment.warehouseId} (by ${shipment.promisedDeliveryDate})`).join(' + ');
      lines.push(`${outcome.brand} ${outcome.orderNumber} → ${shipments}`, ...reservation.routing.reasons.slice(0, 2).map((reason) => `    ${reason}`));
    }
  } finally {
    client.destroy();
  }
  return lines;
}
