import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient } from '@aws-sdk/client-sfn';
import { signedRequest } from '../../lambdas/shared/signed-request.ts';
import { listTasks, resolveTask } from '../../bin/ops/task-commands.ts';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { deliverShopifyWebhook } from '../../local/simulators/shopify/webhook-sender.ts';
import { cancelledOf } from '../../local/simulators/shopify/scenarios.ts';
import { inventoryTableName, ordersTableName } from '../../lib/constructs/data-table.ts';
import type { OpsTask } from '../../lambdas/orders/adapters/ops-tasks-table.ts';
import { aShopifyOrder } from '../helpers/shopify-order.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const BRAND = 'saffron-threads';
const OPS = { accessKeyId: 'ops', secretAccessKey: 'ops' };
let system: LocalSystem;
let cloud: LocalCloud;
let secret: string;
let dynamo: DynamoDBClient;
let nextOrderId = 5_920_000_000_000;

beforeAll(async () => {
  system = await bootTestSystem({ journeyFor: () => 'stuckInWarehouse' });
  cloud = system.cloud;
  secret = await shopifySecretFor(cloud, BRAND);
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
});

afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
});

async function order(orderId: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${BRAND}#${orderId}` }, sk: { S: 'ORDER' } }, ConsistentRead: true }));
  return Item;
}

async function reservationStatus(orderId: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: inventoryTableName('dev'), Key: { pk: { S: `RESERVATION#${BRAND}#${orderId}` }, sk: { S: 'HEADER' } }, ConsistentRead: true }));
  return Item?.status?.S;
}

const opsApi = (method: 'GET' | 'POST', path: string, body?: unknown) => signedRequest(method, `${cloud.apiUrl}${path}`, 'ap-south-1', OPS, body);

async function openTasks(brand = BRAND): Promise<OpsTask[]> {
  const response = await opsApi('GET', `/ops/tasks?brand=${brand}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { tasks: OpsTask[] }).tasks;
}

/** Places an order whose WMS shipment is refused as invalid once: the hand-off fails for good and is escalated. */
async function escalatedOrder() {
  const orderId = String(nextOrderId++);
  system.wmsShipments.failNext(1, 'validation');
  await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: 'saffron-threads.myshopify.com', secret, body: JSON.stringify(aShopifyOrder({ id: Number(orderId) })) });
  await system.settled();
  expect((await order(orderId))?.status?.S).toBe('FAILED');
  const task = (await openTasks()).find((candidate) => candidate.orderId === orderId);
  expect(task).toBeDefined();
  return { orderId, task: task! };
}

const salesOrdersOf = (orderId: string) => system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(orderId));
const shipmentsOf = (orderId: string) => system.wmsShipments.shipments().filter((shipment) => shipment.referenceId.includes(orderId));

describe('a permanent failure, escalated to ops on the local cloud', () => {
  it('opens a task with the failure, what was done and the suggested actions; retry resumes the hand-off with one sales order and one shipment', async () => {
    const { orderId, task } = await escalatedOrder();
    expect(task).toMatchObject({
      brand: BRAND,
      status: 'OPEN',
      error: 'PermanentFulfilmentError',
      failedStep: 'Hand Off To ERP And WMS',
      executionName: `${BRAND}-${orderId}`,
      context: { warehouses: [expect.any(String)], mode: 'live' },
    });
    expect(task.problem).toMatch(/WMS|ShipBob|422|400|valid/i);
    expect(task.suggestedActions.map((suggestion) => suggestion.action)).toEqual(['retry', 'cancel', 'done']);
    expect(task).not.toHaveProperty('taskToken');

    const resolved = await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'retry', note: 'address fixed in ShipBob' });
    expect(resolved.status).toBe(200);
    await system.settled();

    expect((await order(orderId))?.status?.S).toBe('SUBMITTED');
    expect(salesOrdersOf(orderId)).toHaveLength(1);
    expect(shipmentsOf(orderId)).toHaveLength(1);
    expect((await openTasks()).some((candidate) => candidate.taskId === task.taskId)).toBe(false);
    const again = await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'retry' });
    expect(again.status).toBe(409);
  });

  it('cancel undoes exactly what the failed hand-off created: the sales order is cancelled, the stock released, the order CANCELLED', async () => {
    const { orderId, task } = await escalatedOrder();
    expect(salesOrdersOf(orderId).map((salesOrder) => salesOrder.status)).toEqual(['Draft']);
    expect(shipmentsOf(orderId)).toHaveLength(0);

    expect((await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'cancel', note: 'customer asked to cancel' })).status).toBe(200);
    await system.settled();

    const item = await order(orderId);
    expect(item?.status?.S).toBe('CANCELLED');
    expect(JSON.parse(item?.opsResolution?.S ?? '{}')).toMatchObject({ action: 'cancel', note: 'customer asked to cancel' });
    expect(salesOrdersOf(orderId).map((salesOrder) => salesOrder.status)).toEqual(['Deleted']);
    expect(await reservationStatus(orderId)).toBe('RELEASED');
  });

  it('done closes the order as handled by hand, and nothing else is called', async () => {
    const { orderId, task } = await escalatedOrder();
    const erpCalls = system.erp.requests.length;

    expect((await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'done', note: 'shipped from the store' })).status).toBe(200);
    await system.settled();

    expect((await order(orderId))?.status?.S).toBe('RESOLVED_BY_OPS');
    expect(system.erp.requests.length).toBe(erpCalls);
  });

  it('the ops CLI lists the task with its suggestions and resolves it', async () => {
    const { orderId, task } = await escalatedOrder();
    const sfn = new SFNClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
    try {
      const listed = await listTasks({ environment: 'dev', client: dynamo }, BRAND);
      expect(listed.join('\n')).toContain(`${task.taskId}  ${BRAND}/${orderId}`);
      expect(listed.join('\n')).toMatch(/→ retry: /);
      expect(await resolveTask({ environment: 'dev', client: dynamo }, sfn, task.taskId, 'done', 'refunded by hand', 'asha')).toMatch(/done sent/);
      await expect(resolveTask({ environment: 'dev', client: dynamo }, sfn, task.taskId, 'done', '', 'asha')).rejects.toThrow(/already RESOLVED \(done by asha\)/);
    } finally {
      sfn.destroy();
    }
    await system.settled();
    expect((await order(orderId))?.status?.S).toBe('RESOLVED_BY_OPS');
  });

  it('refuses an unknown decision with 400, an unknown task with 404, and an unsigned request with 403', async () => {
    const { task } = await escalatedOrder();
    expect((await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'shrug' })).status).toBe(400);
    expect((await opsApi('POST', '/ops/tasks/no-such-task/resolve', { action: 'done' })).status).toBe(404);
    expect((await fetch(`${cloud.apiUrl}/ops/tasks`)).status).toBe(403);
    expect((await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'done' })).status).toBe(200);
  });

  it('cancelled by the customer while waiting for ops: a retry decision cancels instead, undoing the sales order, and says why', async () => {
    const { orderId, task } = await escalatedOrder();
    const body = JSON.stringify(cancelledOf(aShopifyOrder({ id: Number(orderId) }), 'customer'));
    await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: 'saffron-threads.myshopify.com', secret, body, topic: 'orders/cancelled' });
    await system.settled();

    expect((await opsApi('POST', `/ops/tasks/${task.taskId}/resolve`, { action: 'retry' })).status).toBe(200);
    await system.settled();

    const item = await order(orderId);
    expect(item?.status?.S).toBe('CANCELLED');
    expect(JSON.parse(item?.opsResolution?.S ?? '{}')).toMatchObject({ action: 'cancel', by: 'customer' });
    expect(salesOrdersOf(orderId).map((salesOrder) => salesOrder.status)).toEqual(['Deleted']);
    expect(shipmentsOf(orderId)).toHaveLength(0);
  });

  it('lists open tasks oldest first, for one brand or all', async () => {
    const all = await opsApi('GET', '/ops/tasks');
    const tasks = ((await all.json()) as { tasks: OpsTask[] }).tasks;
    expect(tasks.map((task) => task.openedAt)).toEqual([...tasks.map((task) => task.openedAt)].sort());
    expect(await openTasks('kopi-glow')).toEqual([]);
  });
});
