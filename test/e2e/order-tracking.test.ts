import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeReplayCommand, EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { deliverShopifyWebhook } from '../../local/simulators/shopify/webhook-sender.ts';
import { cancelledOf } from '../../local/simulators/shopify/scenarios.ts';
import { parseDetail } from '../../lambdas/shared/events.ts';
import { inventoryTableName, ordersTableName, shipmentsTableName } from '../../lib/constructs/data-table.ts';
import { demoOrders, type ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { BRANDS } from '../../lib/config/brands.ts';
import { aShopifyOrder } from '../helpers/shopify-order.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const BRAND = 'saffron-threads';
let system: LocalSystem;
let cloud: LocalCloud;
let secret: string;
let dynamo: DynamoDBClient;
let nextOrderId = 5_910_000_000_000;
let events: EventBridgeClient;
let startedAt: number;

beforeAll(async () => {
  // Shipments stay at the warehouse until a test moves them, so each test scripts its own journey.
  system = await bootTestSystem({ journeyFor: () => 'stuckInWarehouse' });
  cloud = system.cloud;
  secret = await shopifySecretFor(cloud, BRAND);
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
  events = new EventBridgeClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  startedAt = cloud.clock.now();
});

afterAll(async () => {
  events?.destroy();
  dynamo?.destroy();
  await cloud?.stop();
});

async function item(table: string, pk: string, sk: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }));
  return Item;
}
const orderStatus = async (orderId: string) => (await item(ordersTableName('dev'), `ORDER#${BRAND}#${orderId}`, 'ORDER'))?.status?.S;
const shipmentMilestone = async (shipmentId: string) => (await item(shipmentsTableName('dev'), `SHIPMENT#${shipmentId}`, 'SHIPMENT'))?.milestone?.S;

const archivedFor = (orderId: string, detailType: string) =>
  cloud.eventBridge
    .archivedEvents('order-automation-dev')
    .filter((event) => event['detail-type'] === detailType && (event.detail as { orderId?: string }).orderId === orderId);

/** A live order, placed and handed off; returns its id and its shipments at ShipBob. */
async function submittedOrder(payload: ShopifyOrderPayload = aShopifyOrder()) {
  const id = nextOrderId++;
  placed.set(String(id), { ...payload, id });
  const body = JSON.stringify({ ...payload, id });
  await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: 'saffron-threads.myshopify.com', secret, body });
  await system.settled();
  expect(await orderStatus(String(id))).toBe('SUBMITTED');
  const shipmentIds = system.wmsShipments
    .shipments()
    .filter((shipment) => shipment.referenceId.includes(String(id)))
    .map((shipment) => shipment.id);
  expect(shipmentIds.length).toBeGreaterThan(0);
  return { orderId: String(id), shipmentIds };
}

const placed = new Map<string, ShopifyOrderPayload>();

/** The storefront cancels the order (orders/cancelled), as when the customer cancels in their account. */
async function cancelInShopify(orderId: string) {
  const body = JSON.stringify(cancelledOf(placed.get(orderId)!, 'customer'));
  await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: BRAND, shopDomain: 'saffron-threads.myshopify.com', secret, body, topic: 'orders/cancelled' });
  await system.settled();
}

async function step(move: () => void) {
  move();
  await system.settled();
}

describe('a submitted order, tracked to the customer on the local cloud', () => {
  it('is dispatched with an AWB, scanned in transit and out for delivery, then delivered: one event per milestone, the stock committed, the order DELIVERED', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];

    await step(() => system.couriers.ship(shipmentId));
    expect(await shipmentMilestone(shipmentId)).toBe('DISPATCHED');
    await step(() => system.couriers.scan(shipmentId, 'InTransit', 'InTransit_001'));
    await step(() => system.couriers.scan(shipmentId, 'InTransit', 'InTransit_007'));
    await step(() => system.couriers.scan(shipmentId, 'OutForDelivery', 'OutForDelivery_001'));
    expect(await orderStatus(orderId)).toBe('SUBMITTED');
    await step(() => system.couriers.scan(shipmentId, 'Delivered', 'Delivered_001'));

    expect(await orderStatus(orderId)).toBe('DELIVERED');
    const [dispatched] = archivedFor(orderId, 'Shipment Dispatched');
    expect(parseDetail('Shipment Dispatched', dispatched?.detail)).toMatchObject({ shipmentId, awb: system.couriers.journey(shipmentId)?.trackingNumber, carrier: 'Delhivery' });
    // Two in-transit scans, one event; ShipBob and AfterShip both report the delivery, one event.
    for (const detailType of ['Shipment Dispatched', 'Shipment In Transit', 'Shipment Out For Delivery', 'Order Delivered']) {
      expect(archivedFor(orderId, detailType), detailType).toHaveLength(1);
    }
    const reservation = await item(inventoryTableName('dev'), `RESERVATION#${BRAND}#${orderId}`, 'HEADER');
    expect(reservation?.status?.S).toBe('COMMITTED');
  });

  it('webhooks delivered twice and out of order change nothing twice and never move a shipment back', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];
    await step(() => system.couriers.ship(shipmentId));

    system.couriers.webhooks.duplicateNext(2);
    system.couriers.webhooks.holdNext();
    // "In transit" is held and arrives after "out for delivery": it is stale by then.
    system.couriers.scan(shipmentId, 'InTransit', 'InTransit_001');
    await step(() => system.couriers.scan(shipmentId, 'OutForDelivery', 'OutForDelivery_001'));

    expect(await shipmentMilestone(shipmentId)).toBe('OUT_FOR_DELIVERY');
    expect(archivedFor(orderId, 'Shipment Out For Delivery')).toHaveLength(1);
    expect(archivedFor(orderId, 'Shipment In Transit')).toHaveLength(0);
  });

  it('not delivered by the end of the promised day: Shipment Delayed once, the execution keeps waiting, then the late delivery completes the order', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];
    await step(() => system.couriers.ship(shipmentId));
    await step(() => system.couriers.scan(shipmentId, 'InTransit', 'InTransit_001'));
    const [dispatched] = archivedFor(orderId, 'Shipment Dispatched');
    const { promisedBy } = parseDetail('Shipment Dispatched', dispatched?.detail);

    // An hour short: the wait's timer fires on the cloud clock, which keeps running (50×) while the check is made.
    await system.fastForward(Date.parse(promisedBy) - cloud.clock.now() - 60 * 60_000);
    expect(archivedFor(orderId, 'Shipment Delayed')).toHaveLength(0);
    await system.fastForward(2 * 86_400_000);

    const delayed = archivedFor(orderId, 'Shipment Delayed');
    expect(delayed).toHaveLength(1);
    expect(parseDetail('Shipment Delayed', delayed[0]?.detail)).toMatchObject({ shipmentId, stage: 'delivery', dueBy: promisedBy, occurredAt: promisedBy, carrier: 'Delhivery' });
    expect(await orderStatus(orderId)).toBe('SUBMITTED');

    await step(() => system.couriers.scan(shipmentId, 'Delivered', 'Delivered_001'));
    expect(await orderStatus(orderId)).toBe('DELIVERED');
    expect(archivedFor(orderId, 'Shipment Delayed')).toHaveLength(1);
  });

  it('not dispatched within 48 hours: Shipment Delayed at the dispatch stage, and the shipment is still tracked when it finally leaves', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];

    await system.fastForward(49 * 3_600_000);
    const [overdue] = archivedFor(orderId, 'Shipment Delayed');
    expect(parseDetail('Shipment Delayed', overdue?.detail)).toMatchObject({ shipmentId, stage: 'dispatch' });

    await step(() => system.couriers.ship(shipmentId));
    await step(() => system.couriers.scan(shipmentId, 'Delivered', 'Delivered_001'));
    expect(await orderStatus(orderId)).toBe('DELIVERED');
  });

  it('returned to origin after two failed attempts: RTO started, then Order Returned, the order RETURNED', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];
    await step(() => system.couriers.ship(shipmentId));
    for (const [tag, subtag] of [
      ['OutForDelivery', 'OutForDelivery_001'],
      ['AttemptFail', 'AttemptFail_001'],
      ['OutForDelivery', 'OutForDelivery_001'],
      ['AttemptFail', 'AttemptFail_001'],
      ['Exception', 'Exception_010'],
    ] as const) {
      await step(() => system.couriers.scan(shipmentId, tag, subtag));
    }
    expect(archivedFor(orderId, 'Delivery Attempt Failed')).toHaveLength(2);
    expect(archivedFor(orderId, 'Return To Origin Started')).toHaveLength(1);
    expect(await orderStatus(orderId)).toBe('SUBMITTED');

    await step(() => system.couriers.scan(shipmentId, 'Exception', 'Exception_011'));

    expect(await orderStatus(orderId)).toBe('RETURNED');
    const [returned] = archivedFor(orderId, 'Order Returned');
    expect(parseDetail('Order Returned', returned?.detail)).toMatchObject({ shipmentId, paymentMethod: expect.any(String), destination: { country: 'IN' } });
  });

  it('split across two warehouses: each shipment is tracked on its own, and the order is DELIVERED only when both are', async () => {
    // The eighth demo order of the brand has two products (a saree and a kurta), to Bengaluru.
    const payload = demoOrders([BRANDS[0]!], 8, 5_801_234_567_890)[7]!.payload;
    const [first, second] = payload.line_items.map((line) => line.sku);
    expect(first && second && first !== second).toBe(true);
    // Each warehouse holds only one of the two lines, so no single warehouse can fill the order.
    const levels = { 'IN-BLR-01': { [first!]: 50, [second!]: 0 }, 'IN-DEL-01': { [first!]: 0, [second!]: 50 }, 'IN-BOM-01': { [first!]: 0, [second!]: 0 } };
    for (const [warehouseId, counts] of Object.entries(levels)) system.wms.setStockMany(warehouseId, Object.entries(counts).map(([sku, onHand]) => ({ sku, onHand })));
    await system.settled();
    try {
      const { orderId, shipmentIds } = await submittedOrder(payload);
      expect(shipmentIds).toHaveLength(2);
      const [one, two] = shipmentIds as [string, string];

      await step(() => system.couriers.ship(one));
      await step(() => system.couriers.ship(two));
      await step(() => system.couriers.scan(one, 'Delivered', 'Delivered_001'));
      expect(await orderStatus(orderId)).toBe('SUBMITTED');
      await step(() => system.couriers.scan(two, 'Delivered', 'Delivered_001'));

      expect(await orderStatus(orderId)).toBe('DELIVERED');
      expect(archivedFor(orderId, 'Shipment Dispatched').map((event) => (event.detail as { shipmentId: string }).shipmentId).sort()).toEqual([one, two].sort());
      expect(archivedFor(orderId, 'Order Delivered')).toHaveLength(2);
    } finally {
      for (const warehouseId of Object.keys(levels)) system.wms.setStockMany(warehouseId, [first!, second!].map((sku) => ({ sku, onHand: 500 })));
      await system.settled();
    }
  });

  it('cancelled after the hand-off, before dispatch: the shipment is cancelled at the warehouse, the sales order deleted, the stock released', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];

    await cancelInShopify(orderId);

    expect(await orderStatus(orderId)).toBe('CANCELLED');
    expect(system.wmsShipments.shipments().find((shipment) => shipment.id === shipmentId)?.status).toBe('Cancelled');
    expect(system.erp.salesOrders().filter((salesOrder) => salesOrder.externalDocumentNumber.includes(orderId)).map((salesOrder) => salesOrder.status)).toEqual(['Deleted']);
    expect(await shipmentMilestone(shipmentId)).toBe('CANCELLED');
    const reservation = await item(inventoryTableName('dev'), `RESERVATION#${BRAND}#${orderId}`, 'HEADER');
    expect(reservation?.status?.S).toBe('RELEASED');
    expect(archivedFor(orderId, 'Return Requested')).toHaveLength(0);
  });

  it('cancelled after dispatch: it becomes a return (Return Requested, once), tracking goes on until the parcel is back', async () => {
    const { orderId, shipmentIds } = await submittedOrder();
    const [shipmentId] = shipmentIds as [string];
    await step(() => system.couriers.ship(shipmentId));

    await cancelInShopify(orderId);
    await cancelInShopify(orderId);

    expect(archivedFor(orderId, 'Return Requested')).toHaveLength(1);
    expect(system.wmsShipments.shipments().find((shipment) => shipment.id === shipmentId)?.status).not.toBe('Cancelled');
    await step(() => system.couriers.scan(shipmentId, 'Exception', 'Exception_010'));
    await step(() => system.couriers.scan(shipmentId, 'Exception', 'Exception_011'));
    expect(archivedFor(orderId, 'Order Returned')).toHaveLength(1);
  });

  it('a tracking webhook with a bad signature is refused with 401 and moves nothing', async () => {
    const response = await fetch(`${cloud.apiUrl}/webhooks/tracking/aftership`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': 'bm90IHRoZSBzaWduYXR1cmU=' },
      body: JSON.stringify({ event: 'tracking_update', event_id: 'x', msg: {} }),
    });
    expect(response.status).toBe(401);
  });

  it('a replay of everything the archive holds since the first order (deliveries, returns, cancellations, delays) makes no second sales order, shipment, event or change', async () => {
    const orderIds = [...placed.keys()];
    const statuses = await Promise.all(orderIds.map(orderStatus));
    const salesOrders = JSON.stringify(system.erp.salesOrders());
    const shipments = JSON.stringify(system.wmsShipments.shipments());
    const archivedBefore = cloud.eventBridge.archivedEvents('order-automation-dev').length;
    const calls = { erp: system.erp.requests.length, wms: system.wmsShipments.requests.length };

    await events.send(
      new StartReplayCommand({
        ReplayName: 'replay-the-whole-day',
        EventSourceArn: 'arn:aws:events:ap-south-1:000000000000:archive/order-automation-dev',
        EventStartTime: new Date(startedAt - 60_000),
        EventEndTime: new Date(cloud.clock.now() + 2000),
        Destination: { Arn: 'arn:aws:events:ap-south-1:000000000000:event-bus/order-automation-dev' },
      }),
    );
    await system.settled();
    const replay = await events.send(new DescribeReplayCommand({ ReplayName: 'replay-the-whole-day' }));

    expect(replay.State).toBe('COMPLETED');
    expect(archivedBefore).toBeGreaterThan(50);
    expect(await Promise.all(orderIds.map(orderStatus))).toEqual(statuses);
    expect(JSON.stringify(system.erp.salesOrders())).toBe(salesOrders);
    expect(JSON.stringify(system.wmsShipments.shipments())).toBe(shipments);
    // Nothing published in answer to replayed events, and no call to the ERP or the WMS (no second order, shipment or cancellation).
    expect(cloud.eventBridge.archivedEvents('order-automation-dev')).toHaveLength(archivedBefore);
    expect({ erp: system.erp.requests.length, wms: system.wmsShipments.requests.length }).toEqual(calls);
  });
});
