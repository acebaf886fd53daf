import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeReservation, describeStock } from '../../bin/ops/stock-commands.ts';
import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { signWmsPayload } from '../../lambdas/inventory/domain/wms-signature.ts';
import { parseDetail } from '../../lambdas/shared/events.ts';
import { BRANDS, findBrand } from '../../lib/config/brands.ts';
import { findStorefront } from '../../lib/config/storefronts.ts';
import { inventoryTableName, ordersTableName } from '../../lib/constructs/data-table.ts';
import { inventoryScheduleName } from '../../lib/stacks/inventory-stack.ts';
import { orderStatus, shopifySecretFor } from '../../local/demo.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { demoOrders, type ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { cancelledOf } from '../../local/simulators/shopify/scenarios.ts';
import { deliverShopifyWebhook } from '../../local/simulators/shopify/webhook-sender.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

/** Every warehouse starts with this many of each product; 2 are safety stock. */
const START = 500;
const SAFETY = 2;
const ID_BRANDS = BRANDS.filter((brand) => brand.country === 'ID').map((brand) => brand.id);

let system: LocalSystem;
let dynamo: DynamoDBClient;
let inventory: InventoryTable;
let nextOrderId = 6_100_000_000_000;

beforeAll(async () => {
  system = await bootTestSystem();
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: system.cloud.dynamoDbEndpoint });
  inventory = new InventoryTable(inventoryTableName('dev'), dynamo);
}, 180_000);

afterAll(async () => {
  dynamo?.destroy();
  await system?.stop();
});

/** A valid demo order of `brand` whose every line is `sku` (prices stay as priced, so totals still add up). */
function orderOf(brandId: string, sku: string): ShopifyOrderPayload {
  const brand = findBrand(brandId)!;
  const [order] = demoOrders([brand], 1, nextOrderId++);
  return { ...order!.payload, line_items: order!.payload.line_items.map((line) => ({ ...line, sku })) };
}
const unitsOf = (order: ShopifyOrderPayload) => order.line_items.reduce((sum, line) => sum + line.quantity, 0);

async function send(brandId: string, payload: ShopifyOrderPayload, topic = 'orders/create') {
  const secret = await shopifySecretFor(system.cloud, brandId);
  const response = await deliverShopifyWebhook({ apiUrl: system.cloud.apiUrl, brand: brandId, shopDomain: `${brandId}.myshopify.com`, secret, body: JSON.stringify(payload), topic });
  expect(response.status).toBe(200);
  await system.cloud.idle();
}

async function orderItem(brandId: string, orderId: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${brandId}#${orderId}` }, sk: { S: 'ORDER' } } }));
  return Item;
}

const archived = (detailType: string, match: (detail: Record<string, unknown>) => boolean = () => true) =>
  system.cloud.eventBridge
    .archivedEvents('order-automation-dev')
    .filter((event) => event['detail-type'] === detailType && match(event.detail as Record<string, unknown>));

/** What the storefront of `brandId` shows as available for `sku` at the warehouse's location. */
function storefrontShows(brandId: string, sku: string, warehouseId: string): number | undefined {
  const storefront = findStorefront(brandId)!;
  return system.shopify.available(storefront.shop, storefront.inventoryItemIds[sku]!, storefront.locationIds[warehouseId]!);
}

async function runSchedule(job: 'stock-poll' | 'reconciliation' | 'reservation-expiry') {
  await system.cloud.runSchedule(inventoryScheduleName('dev', job));
  await system.cloud.idle();
}

describe('stock at start', () => {
  it('the first reconciliation loads every warehouse from the WMS and every storefront shows it, without calling it drift', async () => {
    expect(await inventory.stock('KG-SERUM-30ML', 'ID-JKT-01')).toMatchObject({ onHand: START, reserved: 0, safetyStock: SAFETY, available: START - SAFETY, lastSyncSource: 'reconciliation' });
    for (const brand of ID_BRANDS) expect(storefrontShows(brand, 'KG-SERUM-30ML', 'ID-SUB-01')).toBe(START - SAFETY);
    expect(archived('Inventory Drift Detected')).toEqual([]);
  });
});

describe('an order reserves its stock', () => {
  const order = orderOf('kopi-glow', 'KG-SERUM-30ML');

  it('accepted with every line held at one warehouse; each storefront selling the SKU shows fewer', async () => {
    await send('kopi-glow', order);

    const item = await orderItem('kopi-glow', String(order.id));
    expect(item?.status?.S).toBe('SUBMITTED');
    const reservation = JSON.parse(item!.reservation!.S!) as { warehouseId: string; lines: { quantity: number }[] };
    expect(reservation).toMatchObject({ status: 'RESERVED', substitutions: [] });
    expect(await inventory.stock('KG-SERUM-30ML', reservation.warehouseId)).toMatchObject({ onHand: START, reserved: unitsOf(order) });
    for (const brand of ID_BRANDS) expect(storefrontShows(brand, 'KG-SERUM-30ML', reservation.warehouseId)).toBe(START - SAFETY - unitsOf(order));
    const [reserved] = archived('Inventory Reserved', (detail) => detail.orderId === String(order.id));
    expect(parseDetail('Inventory Reserved', reserved?.detail)).toMatchObject({ brand: 'kopi-glow', mode: 'live', warehouseIds: [reservation.warehouseId] });

    // What ops see with `npm run ops -- stock <sku>` and `reservation <brand> <orderId>`.
    const ops = { environment: 'dev', client: dynamo };
    expect(await describeStock(ops, 'KG-SERUM-30ML')).toContainEqual(expect.stringMatching(new RegExp(`^${reservation.warehouseId}\\s+${START}\\s+${unitsOf(order)}\\s+${SAFETY}\\s+${START - SAFETY - unitsOf(order)}\\s+reconciliation`)));
    expect(await describeReservation(ops, 'kopi-glow', String(order.id))).toEqual([expect.stringMatching(/^RESERVED, expires /), `  ${unitsOf(order)} × KG-SERUM-30ML at ${reservation.warehouseId}`]);
  });

  it('cancelled twice: the stock goes back once, and the storefronts show it again', async () => {
    const cancelled = cancelledOf(order);
    await send('kopi-glow', cancelled, 'orders/cancelled');
    await send('kopi-glow', { ...cancelled }, 'orders/cancelled');

    const item = await orderItem('kopi-glow', String(order.id));
    const { warehouseId } = JSON.parse(item!.reservation!.S!) as { warehouseId: string };
    expect(await inventory.stock('KG-SERUM-30ML', warehouseId)).toMatchObject({ reserved: 0, available: START - SAFETY });
    expect(archived('Inventory Released', (detail) => detail.orderId === String(order.id))).toHaveLength(1);
    for (const brand of ID_BRANDS) expect(storefrontShows(brand, 'KG-SERUM-30ML', warehouseId)).toBe(START - SAFETY);
  });
});

describe('a shadow-mode brand', () => {
  it('checks stock and records where it would come from, but holds nothing: the legacy process ships it', async () => {
    const order = orderOf('monsoon-kids', 'ST-DUPATTA-SLK');

    await send('monsoon-kids', order);

    const item = await orderItem('monsoon-kids', String(order.id));
    expect(item?.status?.S).toBe('ACCEPTED');
    const { warehouseId } = JSON.parse(item!.reservation!.S!) as { warehouseId: string };
    expect(await inventory.reservation(`monsoon-kids#${order.id}`)).toBeUndefined();
    expect(await inventory.stock('ST-DUPATTA-SLK', warehouseId)).toMatchObject({ reserved: 0, available: START - SAFETY });
    const [reserved] = archived('Inventory Reserved', (detail) => detail.orderId === String(order.id));
    expect(parseDetail('Inventory Reserved', reserved?.detail)).toMatchObject({ mode: 'shadow', warehouseIds: [warehouseId] });
  });
});

describe('stock changes in the warehouses', () => {
  it('a signed WMS webhook updates our count and every storefront; its late replay and a forged copy change nothing', async () => {
    const changed = system.wms.setStock('ID-JKT-01', 'KG-SCRUB-100G', 120);
    await system.wms.idle();
    await system.cloud.idle();

    expect(await inventory.stock('KG-SCRUB-100G', 'ID-JKT-01')).toMatchObject({ onHand: 120, available: 118, lastSyncSource: 'wms-webhook', syncSequence: changed.sequence });
    for (const brand of ID_BRANDS) expect(storefrontShows(brand, 'KG-SCRUB-100G', 'ID-JKT-01')).toBe(118);
    expect(archived('Stock Level Changed', (detail) => detail.sku === 'KG-SCRUB-100G' && detail.source === 'wms-webhook')).toHaveLength(1);

    const body = JSON.stringify({ event_id: randomUUID(), type: 'stock.level_changed', warehouse_id: 'ID-JKT-01', occurred_at: '2026-12-02T00:00:00Z', items: [{ ...changed, on_hand: 7, sequence: changed.sequence - 1 }] });
    const post = (signature: string) =>
      fetch(`${system.cloud.apiUrl}/webhooks/wms/ID-JKT-01`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wms-signature': signature, 'x-wms-event-id': 'late-copy-delivery' }, body });
    const webhookSecret = await secretValue('order-automation/dev/wms/webhook-secret');
    const stale = await post(signWmsPayload(webhookSecret, Math.floor(system.cloud.clock.now() / 1000), body));
    const forged = await post(signWmsPayload('not-the-secret', Math.floor(system.cloud.clock.now() / 1000), body));
    await system.cloud.idle();

    expect([stale.status, await stale.json()]).toEqual([200, { applied: 0, stale: 1 }]);
    expect(forged.status).toBe(401);
    expect(await inventory.stock('KG-SCRUB-100G', 'ID-JKT-01')).toMatchObject({ onHand: 120 });
  });

  it('a warehouse without webhooks is caught up by the one-minute poll', async () => {
    system.wms.setStock('ID-SUB-01', 'KG-SCRUB-100G', 42);
    expect(await inventory.stock('KG-SCRUB-100G', 'ID-SUB-01')).toMatchObject({ onHand: START });

    await runSchedule('stock-poll');

    expect(await inventory.stock('KG-SCRUB-100G', 'ID-SUB-01')).toMatchObject({ onHand: 42, lastSyncSource: 'wms-poll' });
    expect(storefrontShows('jamu-lab', 'KG-SCRUB-100G', 'ID-SUB-01')).toBe(40);
  });

  it('reconciliation corrects drift the WMS never announced, reports it, and fixes the storefronts', async () => {
    system.wms.drift('IN-BLR-01', 'ST-JUTTI-38', 480);

    await runSchedule('reconciliation');

    const [drift] = archived('Inventory Drift Detected', (detail) => detail.warehouseId === 'IN-BLR-01');
    expect(parseDetail('Inventory Drift Detected', drift?.detail)).toMatchObject({ drifts: [{ sku: 'ST-JUTTI-38', ours: START, wms: 480, delta: -20 }], totalAbsoluteDelta: 20 });
    expect(await inventory.stock('ST-JUTTI-38', 'IN-BLR-01')).toMatchObject({ onHand: 480, lastSyncSource: 'reconciliation' });
    expect(storefrontShows('saffron-threads', 'ST-JUTTI-38', 'IN-BLR-01')).toBe(478);
  });
});

describe('short lines', () => {
  it('a beauty brand gets the same formula in another pack, recorded on the order with the reason; a fashion brand waits for stock', async () => {
    system.wms.setStock('ID-JKT-01', 'KG-SCRUB-100G', 0);
    system.wms.setStock('ID-SUB-01', 'KG-SCRUB-100G', 0);
    await system.wms.idle();
    await runSchedule('stock-poll');

    const beauty = orderOf('kopi-glow', 'KG-SCRUB-100G');
    const fashion = orderOf('batik-lane', 'KG-SCRUB-100G');
    await send('kopi-glow', beauty);
    await send('batik-lane', fashion);

    const substituted = await orderItem('kopi-glow', String(beauty.id));
    expect(substituted?.status?.S).toBe('SUBMITTED');
    expect(JSON.parse(substituted!.reservation!.S!)).toMatchObject({ substitutions: [{ originalSku: 'KG-SCRUB-100G', substituteSku: 'KG-SCRUB-2X50G', reason: expect.stringContaining('two 50 g jars') }] });
    expect(archived('Item Substituted', (detail) => detail.orderId === String(beauty.id))).toHaveLength(1);

    expect(await orderStatus(system.cloud, dynamo, 'batik-lane', String(fashion.id))).toBe('AWAITING_STOCK');
    const [short] = archived('Inventory Shortfall', (detail) => detail.orderId === String(fashion.id));
    expect(parseDetail('Inventory Shortfall', short?.detail)).toMatchObject({ short: [{ sku: 'KG-SCRUB-100G', bestAvailable: 0 }] });
  });
});

describe('reservations never committed', () => {
  it('expire: the sweep releases them once and the stock is back on sale', async () => {
    await inventory.reserve('rumah-living#77', [{ sku: 'RL-RATTAN-LAMP', warehouseId: 'MY-KUL-01', quantity: 3 }], Date.now() - 1_000);
    expect(await inventory.stock('RL-RATTAN-LAMP', 'MY-KUL-01')).toMatchObject({ reserved: 3 });

    await runSchedule('reservation-expiry');
    await runSchedule('reservation-expiry');

    expect(await inventory.stock('RL-RATTAN-LAMP', 'MY-KUL-01')).toMatchObject({ reserved: 0, available: START - SAFETY });
    const released = archived('Inventory Released', (detail) => detail.orderId === '77');
    expect(released).toHaveLength(1);
    expect(parseDetail('Inventory Released', released[0]?.detail)).toMatchObject({ brand: 'rumah-living', reason: 'expired' });
    expect(storefrontShows('rumah-living', 'RL-RATTAN-LAMP', 'MY-KUL-01')).toBe(START - SAFETY);
  });
});

async function secretValue(name: string): Promise<string> {
  const response = (await system.cloud.secrets.handle('GetSecretValue', { SecretId: name })) as { SecretString: string };
  return response.SecretString;
}
