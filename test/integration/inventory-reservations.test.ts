import { beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { findDrift } from '../../lambdas/inventory/domain/drift.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'inventory-test';
const WAREHOUSE = 'IN-BLR-01';
const AT = '2026-11-28T10:00:00Z';
let inventory: InventoryTable;
let nextOrder = 0;
const orderKey = () => `saffron-threads#${8_000_000 + nextOrder++}`;
const later = () => Date.now() + 3_600_000;

const table = useDynamoDbLocalTable(TABLE, INVENTORY_TABLE_SCHEMA);

beforeAll(() => {
  inventory = new InventoryTable(TABLE, table.client());
});

describe('a hot SKU in a sale', () => {
  it('1,000 concurrent orders for 100 units give exactly 100 reservations, 900 shortfalls and no oversell', { timeout: 300_000 }, async () => {
    await inventory.setOnHand('HOT-KURTA-M', WAREHOUSE, 100, 0, 'seed', AT);

    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, () => inventory.reserve(orderKey(), [{ sku: 'HOT-KURTA-M', warehouseId: WAREHOUSE, quantity: 1 }], later())),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'RESERVED')).toHaveLength(100);
    expect(outcomes.filter((outcome) => outcome.status === 'SHORTFALL')).toHaveLength(900);
    expect(await inventory.stock('HOT-KURTA-M', WAREHOUSE)).toMatchObject({ onHand: 100, reserved: 100, available: 0 });
  });
});

describe('reservations are idempotent under replay', () => {
  it('reserve, commit and release each act once, however often they are replayed', async () => {
    await inventory.setOnHand('SAREE-RED', WAREHOUSE, 10, 2, 'seed', AT);
    const order = orderKey();
    const lines = [{ sku: 'SAREE-RED', warehouseId: WAREHOUSE, quantity: 3 }];

    expect(await inventory.reserve(order, lines, later(), { warehouseId: WAREHOUSE })).toEqual({ status: 'RESERVED', replayed: false });
    expect(await inventory.reserve(order, lines, later(), { warehouseId: 'ELSEWHERE' })).toEqual({ status: 'RESERVED', replayed: true });
    expect(await inventory.stock('SAREE-RED', WAREHOUSE)).toMatchObject({ onHand: 10, reserved: 3, available: 5 });
    expect(await inventory.reservation(order)).toMatchObject({ status: 'RESERVED', lines, details: { warehouseId: WAREHOUSE } });

    expect(await inventory.commit(order)).toBe(true);
    expect(await inventory.commit(order)).toBe(false);
    expect(await inventory.release(order)).toBe(false);
    expect(await inventory.reserve(order, lines, later())).toEqual({ status: 'CLOSED', was: 'COMMITTED' });
    expect(await inventory.stock('SAREE-RED', WAREHOUSE)).toMatchObject({ onHand: 7, reserved: 0, available: 5 });
    expect(await inventory.reservation(order)).toMatchObject({ status: 'COMMITTED', lines });
  });

  it('a released reservation gives its units back once, and a late replay does not take them again', async () => {
    await inventory.setOnHand('DUPATTA', WAREHOUSE, 4, 0, 'seed', AT);
    const order = orderKey();
    const lines = [{ sku: 'DUPATTA', warehouseId: WAREHOUSE, quantity: 2 }, { sku: 'DUPATTA', warehouseId: WAREHOUSE, quantity: 1 }];

    await inventory.reserve(order, lines, later());
    expect(await inventory.stock('DUPATTA', WAREHOUSE)).toMatchObject({ reserved: 3, available: 1 });
    expect(await inventory.release(order)).toBe(true);
    expect(await inventory.release(order)).toBe(false);
    expect(await inventory.reserve(order, lines, later())).toEqual({ status: 'CLOSED', was: 'RELEASED' });
    expect(await inventory.stock('DUPATTA', WAREHOUSE)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  });
});

describe('orders larger than one transaction', () => {
  const skus = Array.from({ length: 150 }, (_, index) => `BULK-${String(index).padStart(3, '0')}`);

  it('reserves 150 distinct lines all or nothing across transactions', async () => {
    for (const sku of skus) await inventory.setOnHand(sku, WAREHOUSE, 1, 0, 'seed', AT);
    const lines = skus.map((sku) => ({ sku, warehouseId: WAREHOUSE, quantity: 1 }));

    expect((await inventory.reserve(orderKey(), lines, later())).status).toBe('RESERVED');
    const short = await inventory.reserve(orderKey(), lines, later());

    expect(short).toMatchObject({ status: 'SHORTFALL' });
    for (const sku of skus) expect(await inventory.stock(sku, WAREHOUSE)).toMatchObject({ reserved: 1, available: 0 });
  });

  it('gives back the earlier transactions when a later one falls short', async () => {
    const fresh = Array.from({ length: 120 }, (_, index) => `LATE-SHORT-${String(index).padStart(3, '0')}`);
    for (const sku of fresh) await inventory.setOnHand(sku, WAREHOUSE, sku.endsWith('119') ? 0 : 1, 0, 'seed', AT);
    const order = orderKey();

    const outcome = await inventory.reserve(order, fresh.map((sku) => ({ sku, warehouseId: WAREHOUSE, quantity: 1 })), later());

    expect(outcome).toEqual({ status: 'SHORTFALL', short: [{ sku: 'LATE-SHORT-119', warehouseId: WAREHOUSE, quantity: 1 }] });
    for (const sku of fresh.slice(0, 119)) expect(await inventory.stock(sku, WAREHOUSE)).toMatchObject({ reserved: 0, available: 1 });

    await inventory.setOnHand('LATE-SHORT-119', WAREHOUSE, 1, 0, 'restock', AT);
    expect((await inventory.reserve(order, fresh.map((sku) => ({ sku, warehouseId: WAREHOUSE, quantity: 1 })), later())).status).toBe('RESERVED');
    expect(await inventory.stock('LATE-SHORT-000', WAREHOUSE)).toMatchObject({ reserved: 1, available: 0 });
  });
});

describe('expiry', () => {
  it('releases reservations never committed by their deadline, once', async () => {
    await inventory.setOnHand('EXPIRING', WAREHOUSE, 5, 0, 'seed', AT);
    const stale = orderKey();
    const fresh = orderKey();
    await inventory.reserve(stale, [{ sku: 'EXPIRING', warehouseId: WAREHOUSE, quantity: 2 }], Date.now() - 1);
    await inventory.reserve(fresh, [{ sku: 'EXPIRING', warehouseId: WAREHOUSE, quantity: 1 }], later());

    const released = await inventory.releaseExpired(Date.now());
    const again = await inventory.releaseExpired(Date.now());

    expect(released).toContain(stale);
    expect(released).not.toContain(fresh);
    expect(again).not.toContain(stale);
    expect(await inventory.stock('EXPIRING', WAREHOUSE)).toMatchObject({ reserved: 1, available: 4 });
  });
});

describe('sync from the WMS', () => {
  it('applies newer counts, ignores stale ones, and never touches reserved units', async () => {
    await inventory.setOnHand('SYNCED', WAREHOUSE, 10, 1, 'seed', AT);
    await inventory.reserve(orderKey(), [{ sku: 'SYNCED', warehouseId: WAREHOUSE, quantity: 4 }], later());

    expect(await inventory.applyStockCount('SYNCED', WAREHOUSE, 12, { sequence: 200, source: 'wms-webhook', at: AT })).toBe('applied');
    expect(await inventory.applyStockCount('SYNCED', WAREHOUSE, 3, { sequence: 150, source: 'wms-poll', at: AT })).toBe('stale');
    expect(await inventory.applyStockCount('SYNCED', WAREHOUSE, 3, { sequence: 200, source: 'wms-poll', at: AT })).toBe('stale');

    expect(await inventory.stock('SYNCED', WAREHOUSE)).toMatchObject({ onHand: 12, reserved: 4, safetyStock: 1, available: 7, syncSequence: 200, lastSyncSource: 'wms-webhook' });
  });

  it('reconciliation finds injected drift and corrects on hand without touching reservations', async () => {
    // A warehouse of its own, so the listing holds exactly these SKUs.
    const warehouse = 'MY-PEN-01';
    for (const sku of ['RECON-A', 'RECON-B', 'RECON-C']) await inventory.setOnHand(sku, warehouse, 20, 0, 'seed', AT);
    await inventory.reserve(orderKey(), [{ sku: 'RECON-B', warehouseId: warehouse, quantity: 5 }], later());
    const wms = new Map([['RECON-A', 20], ['RECON-B', 17], ['RECON-C', 26], ['RECON-NEW', 4]]);

    const drift = findDrift(warehouse, await inventory.onHandBySku(warehouse), wms);
    for (const entry of drift) await inventory.applyStockCount(entry.sku, warehouse, entry.wms, { sequence: 1_000, source: 'reconciliation', at: AT });

    expect(drift).toEqual([
      { sku: 'RECON-B', warehouseId: warehouse, ours: 20, wms: 17, delta: -3 },
      { sku: 'RECON-C', warehouseId: warehouse, ours: 20, wms: 26, delta: 6 },
      { sku: 'RECON-NEW', warehouseId: warehouse, ours: 0, wms: 4, delta: 4 },
    ]);
    expect(await inventory.stock('RECON-B', warehouse)).toMatchObject({ onHand: 17, reserved: 5, available: 12 });
    expect(findDrift(warehouse, await inventory.onHandBySku(warehouse), wms)).toEqual([]);
  });

  it('a full snapshot corrects a count at the sequence we already hold, but never goes back to an older one', async () => {
    await inventory.applyStockCount('SILENT', WAREHOUSE, 10, { sequence: 7, source: 'wms-webhook', at: AT });

    expect(await inventory.applyStockCount('SILENT', WAREHOUSE, 8, { sequence: 7, source: 'reconciliation', at: AT, sameSequenceWins: true })).toBe('applied');
    expect(await inventory.applyStockCount('SILENT', WAREHOUSE, 99, { sequence: 6, source: 'reconciliation', at: AT, sameSequenceWins: true })).toBe('stale');
    expect(await inventory.applyStockCount('SILENT', WAREHOUSE, 8, { sequence: 7, source: 'wms-webhook', at: AT })).toBe('stale');
    expect(await inventory.stock('SILENT', WAREHOUSE)).toMatchObject({ onHand: 8, syncSequence: 7, lastSyncSource: 'reconciliation' });
  });

  it('reads many levels at once, leaving out pairs it does not hold', async () => {
    await inventory.setOnHand('LEVEL-A', WAREHOUSE, 5, 1, 'seed', AT);
    const keys = [{ sku: 'LEVEL-A', warehouseId: WAREHOUSE }, { sku: 'LEVEL-A', warehouseId: WAREHOUSE }, { sku: 'NOWHERE', warehouseId: WAREHOUSE }, ...Array.from({ length: 150 }, (_, index) => ({ sku: `ABSENT-${index}`, warehouseId: WAREHOUSE }))];

    const levels = await inventory.levels(keys);

    expect(levels).toHaveLength(1);
    expect(levels[0]).toMatchObject({ sku: 'LEVEL-A', onHand: 5, available: 4 });
  });
});
