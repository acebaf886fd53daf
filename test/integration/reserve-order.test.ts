import { beforeAll, describe, expect, it } from 'vitest';
import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { reserveOrder, type ReserveRequest } from '../../lambdas/inventory/domain/reserve-order.ts';
import { findBrand } from '../../lib/config/brands.ts';
import { substitutionRulesFor } from '../../lib/config/catalog.ts';
import { INVENTORY_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'reserve-order-test';
const AT = '2026-12-02T06:00:00Z';
const table = useDynamoDbLocalTable(TABLE, INVENTORY_TABLE_SCHEMA);
let inventory: InventoryTable;
let nextOrder = 0;

// Kopi Glow is a beauty brand: serums and scrubs may be swapped for the same formula in another pack.
const kopiGlow = findBrand('kopi-glow')!;
const request = (items: ReserveRequest['items'], overrides: Partial<ReserveRequest> = {}): ReserveRequest => ({
  orderKey: `kopi-glow#${9_000_000 + nextOrder++}`,
  items,
  warehouseIds: kopiGlow.warehouses,
  rules: substitutionRulesFor(kopiGlow),
  expiresAt: Date.now() + 3_600_000,
  dryRun: false,
  ...overrides,
});

beforeAll(() => {
  inventory = new InventoryTable(TABLE, table.client());
});

describe('Reserve Stock for an order', () => {
  it('holds every line at one warehouse, and a replay answers with the same reservation without holding more', async () => {
    await inventory.setOnHand('KG-SERUM-30ML', 'ID-SUB-01', 10, 0, 'seed', AT);
    await inventory.setOnHand('KG-SCRUB-100G', 'ID-SUB-01', 10, 0, 'seed', AT);
    const order = request([{ sku: 'KG-SERUM-30ML', quantity: 2 }, { sku: 'KG-SCRUB-100G', quantity: 1 }]);

    const first = await reserveOrder(inventory, order);
    const replay = await reserveOrder(inventory, order);

    expect(first).toMatchObject({ status: 'RESERVED', warehouseId: 'ID-SUB-01', replayed: false, substitutions: [] });
    expect(replay).toMatchObject({ status: 'RESERVED', warehouseId: 'ID-SUB-01', replayed: true });
    expect(await inventory.stock('KG-SERUM-30ML', 'ID-SUB-01')).toMatchObject({ reserved: 2, available: 8 });
  });

  it('substitutes the same formula in another pack when the ordered pack is gone, and records the reason', async () => {
    await inventory.setOnHand('KG-SCRUB-2X50G', 'ID-JKT-01', 3, 0, 'seed', AT);
    const order = request([{ sku: 'KG-SCRUB-100G', quantity: 3 }], { warehouseIds: ['ID-JKT-01'] });

    const result = await reserveOrder(inventory, order);

    expect(result).toEqual({
      status: 'RESERVED',
      warehouseId: 'ID-JKT-01',
      lines: [{ sku: 'KG-SCRUB-2X50G', warehouseId: 'ID-JKT-01', quantity: 3 }],
      substitutions: [{ originalSku: 'KG-SCRUB-100G', substituteSku: 'KG-SCRUB-2X50G', quantity: 3, reason: 'the same scrub in two 50 g jars, at the same price' }],
      replayed: false,
    });
    expect(await inventory.reservation(order.orderKey)).toMatchObject({ details: { warehouseId: 'ID-JKT-01', substitutions: [{ substituteSku: 'KG-SCRUB-2X50G' }] } });
  });

  it('a fashion brand never substitutes: its short order is a shortfall with nothing held', async () => {
    const saffron = findBrand('saffron-threads')!;
    await inventory.setOnHand('ST-KURTA-IND-M', 'IN-BLR-01', 1, 0, 'seed', AT);
    const order = request([{ sku: 'ST-KURTA-IND-M', quantity: 2 }], { orderKey: 'saffron-threads#1', warehouseIds: saffron.warehouses, rules: substitutionRulesFor(saffron) });

    expect(await reserveOrder(inventory, order)).toEqual({ status: 'SHORTFALL', short: [{ sku: 'ST-KURTA-IND-M', requested: 2, bestAvailable: 1 }] });
    expect(await inventory.stock('ST-KURTA-IND-M', 'IN-BLR-01')).toMatchObject({ reserved: 0, available: 1 });
  });

  it('in shadow mode says what it would hold and holds nothing', async () => {
    await inventory.setOnHand('KG-SERUM-30ML', 'ID-JKT-01', 4, 0, 'seed', AT);
    const order = request([{ sku: 'KG-SERUM-30ML', quantity: 1 }], { warehouseIds: ['ID-JKT-01'], dryRun: true });

    expect(await reserveOrder(inventory, order)).toMatchObject({ status: 'RESERVED', warehouseId: 'ID-JKT-01', replayed: false });
    expect(await inventory.reservation(order.orderKey)).toBeUndefined();
    expect(await inventory.stock('KG-SERUM-30ML', 'ID-JKT-01')).toMatchObject({ reserved: 0, available: 4 });
  });

  it('racing orders for the last units: each is reserved somewhere or short, never oversold', async () => {
    await inventory.setOnHand('KG-SERUM-30ML', 'ID-JKT-01', 2, 0, 'seed', AT);
    await inventory.setOnHand('KG-SERUM-30ML', 'ID-SUB-01', 13, 0, 'seed', AT);
    await inventory.setOnHand('KG-SERUM-2X15ML', 'ID-JKT-01', 0, 0, 'seed', AT);
    const before = (await inventory.levels([{ sku: 'KG-SERUM-30ML', warehouseId: 'ID-JKT-01' }, { sku: 'KG-SERUM-30ML', warehouseId: 'ID-SUB-01' }])).reduce((sum, level) => sum + level.available, 0);

    const results = await Promise.all(Array.from({ length: 20 }, () => reserveOrder(inventory, request([{ sku: 'KG-SERUM-30ML', quantity: 1 }]))));

    const reserved = results.filter((result) => result.status === 'RESERVED').length;
    expect(reserved).toBe(Math.min(20, before));
    expect(results.filter((result) => result.status === 'SHORTFALL')).toHaveLength(20 - reserved);
    const after = await inventory.levels([{ sku: 'KG-SERUM-30ML', warehouseId: 'ID-JKT-01' }, { sku: 'KG-SERUM-30ML', warehouseId: 'ID-SUB-01' }]);
    expect(after.every((level) => level.available >= 0)).toBe(true);
  });
});
