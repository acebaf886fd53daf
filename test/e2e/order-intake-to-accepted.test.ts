import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, StartReplayCommand, DescribeReplayCommand } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { cancelledOf } from '../../local/simulators/shopify/scenarios.ts';
import { deliverShopifyWebhook, deliverUntilAnswered } from '../../local/simulators/shopify/webhook-sender.ts';
import { parseDetail } from '../../lambdas/shared/events.ts';
import { RtoStatsTable } from '../../lambdas/fulfilment/adapters/rto-stats-table.ts';
import { ordersTableName, rtoStatsTableName } from '../../lib/constructs/data-table.ts';
import { aShopifyOrder } from '../helpers/shopify-order.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const BRAND = 'saffron-threads';
let system: LocalSystem;
let cloud: LocalCloud;
let secret: string;
let dynamo: DynamoDBClient;
let sfn: SFNClient;
let sqs: SQSClient;
let events: EventBridgeClient;
let nextOrderId = 5_900_000_000_000;

beforeAll(async () => {
  // Shipments stay in the warehouse: a parcel moving in the background would publish events the archive counts below would see.
  system = await bootTestSystem({ journeyFor: () => 'stuckInWarehouse' });
  cloud = system.cloud;
  secret = await shopifySecretFor(cloud, BRAND);
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
  sfn = new SFNClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  sqs = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  events = new EventBridgeClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
});

afterAll(async () => {
  for (const client of [dynamo, sfn, sqs, events]) client?.destroy();
  await cloud?.stop();
});

function send(body: string, options: { webhookId?: string; signature?: string; topic?: string } = {}) {
  return deliverUntilAnswered({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: 'saffron-threads.myshopify.com', secret, body, ...options });
}

async function orderItem(orderId: string) {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${BRAND}#${orderId}` }, sk: { S: 'ORDER' } } }),
  );
  return Item;
}

async function executionsOf(orderId: string) {
  const stateMachineArn = cloud.resource('AWS::StepFunctions::StateMachine', 'OrderLifecycle/Resource').properties.StateMachineArn as string | undefined;
  const arn = stateMachineArn ?? `arn:aws:states:ap-south-1:000000000000:stateMachine:${cloud.physicalName('AWS::StepFunctions::StateMachine', 'OrderLifecycle/Resource')}`;
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000 }));
  return executions.filter((execution) => execution.name === `${BRAND}-${orderId}`);
}

const archivedFor = (orderId: string, detailType: string) =>
  cloud.eventBridge
    .archivedEvents('order-automation-dev')
    .filter((event) => event['detail-type'] === detailType && (event.detail as { orderId?: string }).orderId === orderId);

function newOrder() {
  const id = nextOrderId++;
  return { id: String(id), body: JSON.stringify(aShopifyOrder({ id })) };
}

describe('a signed Shopify order, end to end on the local cloud', () => {
  it('is accepted (Order Accepted in the archive), then submitted to the ERP and the WMS once each', async () => {
    const order = newOrder();

    const response = await send(order.body);
    await cloud.idle();

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ accepted: true, orderId: order.id, topic: 'orders/create' });
    const item = await orderItem(order.id);
    expect(item?.status?.S).toBe('SUBMITTED');
    expect(item?.version?.N).toBe('3');
    const [accepted] = archivedFor(order.id, 'Order Accepted');
    expect(accepted?.source).toBe('order-automation.orders');
    expect(parseDetail('Order Accepted', accepted?.detail)).toMatchObject({ brand: BRAND, orderId: order.id, version: 2, mode: 'live' });
    const [submitted] = archivedFor(order.id, 'Order Submitted');
    const detail = parseDetail('Order Submitted', submitted?.detail);
    expect(system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(order.id))).toEqual([expect.objectContaining({ id: detail.erpOrderId })]);
    expect(system.wmsShipments.shipments().filter((shipment) => shipment.referenceId.includes(order.id)).map((shipment) => String(shipment.id))).toEqual(detail.shipments.map((shipment) => shipment.shipmentId));
  });

  it('an ERP outage is retried until the ERP answers, with one sales order in the end', async () => {
    const order = newOrder();
    system.erp.failNext(3, '5xx');

    await send(order.body);
    await cloud.idle();

    expect((await orderItem(order.id))?.status?.S).toBe('SUBMITTED');
    expect(system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(order.id))).toHaveLength(1);
  });

  it('a sales order the ERP created but never confirmed (a timeout) is found on retry, not created twice', async () => {
    const order = newOrder();
    system.erp.failNext(1, 'timeout', { method: 'POST' });

    await send(order.body);
    await cloud.idle();

    expect((await orderItem(order.id))?.status?.S).toBe('SUBMITTED');
    expect(system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(order.id))).toHaveLength(1);
  });

  it('a returned COD order counts once toward its pincode\'s RTO risk, however often the event is replayed', async () => {
    const rtoStats = new RtoStatsTable(rtoStatsTableName('dev'), dynamo);
    const area = { country: 'IN', pincode: '560034', district: 'Bengaluru', state: 'Karnataka' };
    const before = (await rtoStats.statsFor(area)).pincode?.cod.returned ?? 0;
    const returned = {
      brand: BRAND,
      orderId: 'rto-1',
      occurredAt: new Date().toISOString(),
      version: 7,
      correlationId: 'carrier-event-1',
      shipmentId: '700999',
      warehouseId: 'IN-BLR-01',
      paymentMethod: 'cod',
      destination: { country: 'IN', postalCode: '560034' },
      reason: 'customer refused the COD parcel',
    };
    const entry = { EventBusName: 'order-automation-dev', Source: 'order-automation.fulfilment', DetailType: 'Order Returned', Detail: JSON.stringify(parseDetail('Order Returned', returned)) };

    await events.send(new PutEventsCommand({ Entries: [entry, entry] }));
    await events.send(new PutEventsCommand({ Entries: [entry] }));
    await cloud.idle();

    expect((await rtoStats.statsFor(area)).pincode?.cod.returned).toBe(before + 1);
    expect(await rtoStats.outcomeOf(`${BRAND}#rto-1`)).toBe('returned');
  });

  it('cancelled while the ERP is still answering: the sales order and the shipment that were created are cancelled again, and the stock is released', async () => {
    const payload = aShopifyOrder({ id: nextOrderId++ });
    const orderId = String(payload.id);
    // The ERP books the sales order but never answers, so the hand-off is still running when the cancellation arrives.
    system.erp.failNext(1, 'timeout', { method: 'POST' });
    const requestsBefore = system.erp.requests.length;
    await send(JSON.stringify(payload));
    for (let waited = 0; !system.erp.requests.slice(requestsBefore).some((request) => request.fault === 'timeout'); waited += 50) {
      if (waited > 30_000) throw new Error('the ERP never received the sales order');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await send(JSON.stringify(cancelledOf(payload, 'customer')), { topic: 'orders/cancelled' });
    await cloud.idle();

    expect((await orderItem(orderId))?.status?.S).toBe('CANCELLED');
    // Business Central deletes an unposted sales order; the simulator keeps it for inspection as Deleted.
    expect(system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(orderId)).map((salesOrder) => salesOrder.status)).toEqual(['Deleted']);
    const shipments = system.wmsShipments.shipments().filter((shipment) => shipment.referenceId.includes(orderId));
    expect(shipments.map((shipment) => shipment.status)).toEqual(['Cancelled']);
    expect(archivedFor(orderId, 'Order Submitted')).toEqual([]);
    expect(archivedFor(orderId, 'Inventory Released')).toHaveLength(1);
  }, 60_000);

  it('a permanent WMS refusal fails the order with the WMS\'s reason, for ops', async () => {
    const order = newOrder();
    system.wmsShipments.failNext(1, 'validation');

    await send(order.body);
    await cloud.idle();

    const item = await orderItem(order.id);
    expect(item?.status?.S).toBe('FAILED');
    expect(item?.failure?.S).toContain('PermanentFulfilmentError');
  });

  it('delivered three times gives one order and one execution', async () => {
    const order = newOrder();

    const responses = await Promise.all([1, 2, 3].map(() => send(order.body, { webhookId: `retry-of-${order.id}` })));
    await cloud.idle();

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await executionsOf(order.id)).toHaveLength(1);
    expect((await orderItem(order.id))?.status?.S).toBe('SUBMITTED');
    expect(archivedFor(order.id, 'Order Accepted')).toHaveLength(1);
  });

  it('with a bad signature is refused with 401 and publishes nothing', async () => {
    const order = newOrder();

    const response = await send(order.body, { signature: Buffer.from('forged').toString('base64') });
    await cloud.idle();

    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_signature' });
    expect(archivedFor(order.id, 'Order Received')).toHaveLength(0);
    expect(await orderItem(order.id)).toBeUndefined();
  });

  it('signed but not JSON gets 400 naming the problem', async () => {
    const response = await send('{"id": 1, "line_items": [');

    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { error: string; message: string };
    expect(body.error).toBe('invalid_json');
    expect(body.message).toMatch(/^body is not valid JSON: /);
  });

  it('for a brand that does not exist gets 404', async () => {
    const response = await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: 'no-such-brand', shopDomain: 'x.myshopify.com', secret, body: newOrder().body });
    expect(response.status).toBe(404);
  });

  it('whose queue target keeps failing is retried, then kept in the target DLQ', async () => {
    const rule = cloud.resource('AWS::Events::Rule', 'OrderEvents/Rule/Resource');
    const [target] = rule.properties.Targets as { Arn: string; RetryPolicy: { MaximumRetryAttempts: number }; DeadLetterConfig: { Arn: string } }[];
    cloud.failNextDeliveries(target!.Arn, target!.RetryPolicy.MaximumRetryAttempts + 1);
    const order = newOrder();

    expect((await send(order.body)).status).toBe(200);
    await cloud.idle();

    const dlqName = target!.DeadLetterConfig.Arn.split(':').pop()!;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    const deadLettered = Messages.find((message) => (JSON.parse(message.Body!) as { detail: { orderId: string } }).detail.orderId === order.id);
    expect(deadLettered?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('InjectedFault');
    expect(deadLettered?.MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe(String(target!.RetryPolicy.MaximumRetryAttempts));
    expect(await orderItem(order.id)).toBeUndefined();
  });

  it('replayed from the archive (every event of the window, workflow and stock events included) creates no second order, execution, sales order, shipment or reservation', async () => {
    const order = newOrder();
    // Event times follow the local cloud's clock, which runs fast in tests; event time has second precision.
    const before = new Date(cloud.clock.now() - 2000);
    await send(order.body);
    await cloud.idle();
    const recorded = await orderItem(order.id);
    const salesOrders = system.erp.salesOrders().length;
    const shipments = system.wmsShipments.shipments().length;
    const archivedBefore = cloud.eventBridge.archivedEvents('order-automation-dev').length;

    await events.send(
      new StartReplayCommand({
        ReplayName: `replay-${order.id}`,
        EventSourceArn: `arn:aws:events:ap-south-1:000000000000:archive/order-automation-dev`,
        EventStartTime: before,
        EventEndTime: new Date(cloud.clock.now() + 2000),
        Destination: { Arn: 'arn:aws:events:ap-south-1:000000000000:event-bus/order-automation-dev' },
      }),
    );
    await cloud.idle();
    const replay = await events.send(new DescribeReplayCommand({ ReplayName: `replay-${order.id}` }));

    expect(replay.State).toBe('COMPLETED');
    expect(replay.EventLastReplayedTime).toBeDefined();
    expect(await executionsOf(order.id)).toHaveLength(1);
    expect(await orderItem(order.id)).toEqual(recorded);
    expect(archivedFor(order.id, 'Order Received')).toHaveLength(1);
    expect(system.erp.salesOrders()).toHaveLength(salesOrders);
    expect(system.wmsShipments.shipments()).toHaveLength(shipments);
    // Replayed events are not archived again, and consumers published nothing new in answer to them.
    expect(cloud.eventBridge.archivedEvents('order-automation-dev')).toHaveLength(archivedBefore);
  });
});
