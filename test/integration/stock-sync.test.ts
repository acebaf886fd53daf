import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { WmsClient } from '../../lambdas/inventory/adapters/wms-client.ts';
import { WmsUnavailableError } from '../../lambdas/inventory/domain/errors.ts';
import { applyCounts, pollWarehouse, reconcileWarehouse } from '../../lambdas/inventory/domain/stock-sync.ts';
import { INVENTORY_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { WmsSimulator } from '../../local/simulators/wms/wms-simulator.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'stock-sync-test';
const table = useDynamoDbLocalTable(TABLE, INVENTORY_TABLE_SCHEMA);
let inventory: InventoryTable;
let wmsSim: WmsSimulator;
let wms: WmsClient;

beforeAll(async () => {
  inventory = new InventoryTable(TABLE, table.client());
  // No webhook URLs: these tests read the WMS through its API only (polls and snapshots).
  wmsSim = await WmsSimulator.start({ apiToken: 'token', webhookSecret: 'secret', warehouses: [{ id: 'ID-SUB-01' }, { id: 'IN-BLR-01' }, { id: 'MY-PEN-01' }] });
  wms = new WmsClient({ baseUrl: wmsSim.url, apiToken: 'token', timeoutMs: 2_000 });
});
afterAll(async () => {
  await wmsSim.stop();
});

describe('the one-minute poll of a warehouse without webhooks', () => {
  it('applies every change since its cursor, once, and moves the cursor', async () => {
    wmsSim.setStockMany('ID-SUB-01', [{ sku: 'POLL-A', onHand: 10 }, { sku: 'POLL-B', onHand: 4 }]);
    wmsSim.adjust('ID-SUB-01', 'POLL-A', -3);

    const first = await pollWarehouse(inventory, wms, 'ID-SUB-01', 2);
    const second = await pollWarehouse(inventory, wms, 'ID-SUB-01', 2);

    expect(first.changed.map((level) => [level.sku, level.onHand, level.available]).sort()).toEqual([['POLL-A', 7, 5], ['POLL-B', 4, 2]]);
    expect(second.changed).toEqual([]);
    expect(second.cursor).toBe(first.cursor);
    expect(await inventory.pollCursor('ID-SUB-01')).toBe(first.cursor);
  });

  it('during a WMS outage fails as unavailable and loses nothing: the next poll catches up from the same cursor', async () => {
    const before = await inventory.pollCursor('ID-SUB-01');
    wmsSim.setFault('ID-SUB-01', { outage: true });
    wmsSim.setStock('ID-SUB-01', 'POLL-A', 1);

    await expect(pollWarehouse(inventory, wms, 'ID-SUB-01', 2)).rejects.toBeInstanceOf(WmsUnavailableError);
    expect(await inventory.pollCursor('ID-SUB-01')).toBe(before);

    wmsSim.clearFaults();
    const caughtUp = await pollWarehouse(inventory, wms, 'ID-SUB-01', 2);
    expect(caughtUp.changed).toMatchObject([{ sku: 'POLL-A', onHand: 1 }]);
  });
});

describe('stale sync updates', () => {
  it('a count older than the one applied is ignored, whichever path it comes by', async () => {
    const newer = wmsSim.setStock('IN-BLR-01', 'STALE-SKU', 9);
    await applyCounts(inventory, 'IN-BLR-01', [{ sku: 'STALE-SKU', onHand: 9, sequence: newer.sequence, updatedAt: newer.updated_at }], 'wms-webhook', 2);

    const late = await applyCounts(inventory, 'IN-BLR-01', [{ sku: 'STALE-SKU', onHand: 50, sequence: newer.sequence - 1, updatedAt: '2026-01-01T00:00:00Z' }], 'wms-webhook', 2);
    const replayed = await applyCounts(inventory, 'IN-BLR-01', [{ sku: 'STALE-SKU', onHand: 9, sequence: newer.sequence, updatedAt: newer.updated_at }], 'wms-webhook', 2);

    expect(late).toEqual({ changed: [], stale: 1 });
    expect(replayed).toEqual({ changed: [], stale: 1 });
    expect(await inventory.stock('STALE-SKU', 'IN-BLR-01')).toMatchObject({ onHand: 9 });
  });
});

describe('the 15-minute reconciliation', () => {
  it('loads a new warehouse without calling it drift, then corrects injected drift without touching reservations', async () => {
    wmsSim.setStockMany('MY-PEN-01', [{ sku: 'REC-LAMP', onHand: 20 }, { sku: 'REC-CUSHION', onHand: 8 }]);
    const load = await reconcileWarehouse(inventory, wms, 'MY-PEN-01', 2, new Date());
    await inventory.reserve('rumah-living#1', [{ sku: 'REC-LAMP', warehouseId: 'MY-PEN-01', quantity: 5 }], Date.now() + 60_000);

    // Cycle counts the WMS never announced.
    wmsSim.drift('MY-PEN-01', 'REC-LAMP', 17);
    wmsSim.drift('MY-PEN-01', 'REC-CUSHION', 6);
    const result = await reconcileWarehouse(inventory, wms, 'MY-PEN-01', 2, new Date());
    const again = await reconcileWarehouse(inventory, wms, 'MY-PEN-01', 2, new Date());

    expect(load).toMatchObject({ drifts: [], added: ['REC-CUSHION', 'REC-LAMP'] });
    expect(result.drifts).toEqual([
      { sku: 'REC-CUSHION', warehouseId: 'MY-PEN-01', ours: 8, wms: 6, delta: -2 },
      { sku: 'REC-LAMP', warehouseId: 'MY-PEN-01', ours: 20, wms: 17, delta: -3 },
    ]);
    expect(await inventory.stock('REC-LAMP', 'MY-PEN-01')).toMatchObject({ onHand: 17, reserved: 5, safetyStock: 2, available: 10, lastSyncSource: 'reconciliation' });
    expect(again.drifts).toEqual([]);
  });
});
