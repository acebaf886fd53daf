import { beforeAll, describe, expect, it } from 'vitest';
import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { reserveOrder, type ReserveRequest } from '../../lambdas/inventory/domain/reserve-order.ts';
import { planOrder, stockKeysFor, type PlanInput } from '../../lambdas/inventory/plan-order.ts';
import { locatePostalCode } from '../../lambdas/shared/postal/geo.ts';
import { findBrand } from '../../lib/config/brands.ts';
import { INVENTORY_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'reserve-order-test';
const AT = '2026-12-02T06:00:00Z';
const table = useDynamoDbLocalTable(TABLE, INVENTORY_TABLE_SCHEMA);
let inventory: InventoryTable;
let nextOrder = 0;

beforeAll(() => {
  inventory = new InventoryTable(TABLE, table.client());
});

/** Sets on hand (no safety stock) of each SKU in each listed warehouse. */
async function stock(levels: Record<string, Record<string, number>>) {
  for (const [warehouseId, skus] of Object.entries(levels)) for (const [sku, onHand] of Object.entries(skus)) await inventory.setOnHand(sku, warehouseId, onHand, 0, 'seed', AT);
}

/** A reservation request for `brandId` shipping to `postalCode`, planned by routing. */
function request(brandId: string, postalCode: string, lines: PlanInput['lines'], overrides: Partial<ReserveRequest> = {}): ReserveRequest {
  const brand = findBrand(brandId)!;
  const input: PlanInput = {
    brand,
    lines,
    destination: locatePostalCode(brand.country, postalCode)!,
    paymentMethod: 'prepaid',
    orderedAt: new Date('2026-12-02T04:00:00Z'),
    rtoRisk: { cod: 0.2, prepaid: 0.03 },
  };
  return { orderKey: `${brandId}#${9_000_000 + nextOrder++}`, stockKeys: stockKeysFor(input), plan: (levels) => planOrder(input, levels), expiresAt: Date.now() + 3_600_000, dryRun: false, ...overrides };
}

describe('Reserve And Route for an order', () => {
  it('holds every line at the warehouse routing prefers, with its reasons, and a replay holds nothing more', async () => {
    await stock({ 'ID-JKT-01': { 'KG-SERUM-30ML': 10, 'KG-SCRUB-100G': 10 }, 'ID-SUB-01': { 'KG-SERUM-30ML': 10, 'KG-SCRUB-100G': 10 } });
    // A Jakarta address: the Cikarang warehouse is next door, Surabaya is across Java.
    const order = request('kopi-glow', '12940', [{ sku: 'KG-SERUM-30ML', quantity: 2 }, { sku: 'KG-SCRUB-100G', quantity: 1 }]);

    const first = await reserveOrder(inventory, order);
    const replay = await reserveOrder(inventory, order);

    expect(first).toMatchObject({ status: 'RESERVED', replayed: false, details: { warehouseIds: ['ID-JKT-01'], substitutions: [], routing: { kind: 'single' } } });
    expect(first.status === 'RESERVED' && (first.details.routing as { reasons: string[] }).reasons.join(' ')).toMatch(/ID-JKT-01.*shipping/);
    expect(replay).toMatchObject({ status: 'RESERVED', replayed: true, details: { warehouseIds: ['ID-JKT-01'] } });
    expect(await inventory.stock('KG-SERUM-30ML', 'ID-JKT-01')).toMatchObject({ reserved: 2, available: 8 });
    expect(await inventory.stock('KG-SERUM-30ML', 'ID-SUB-01')).toMatchObject({ reserved: 0 });
  });

  it('splits across warehouses only when none can fill the order, with the fewest shipments', async () => {
    await stock({ 'ID-JKT-01': { 'KG-SERUM-30ML': 5, 'KG-SCRUB-100G': 0 }, 'ID-SUB-01': { 'KG-SERUM-30ML': 0, 'KG-SCRUB-100G': 5 } });
    const order = request('kopi-glow', '12940', [{ sku: 'KG-SERUM-30ML', quantity: 1 }, { sku: 'KG-SCRUB-100G', quantity: 1 }]);

    const result = await reserveOrder(inventory, order);

    expect(result).toMatchObject({ status: 'RESERVED', details: { routing: { kind: 'split' } } });
    expect(result.status === 'RESERVED' && [...result.lines].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { sku: 'KG-SCRUB-100G', warehouseId: 'ID-SUB-01', quantity: 1 },
      { sku: 'KG-SERUM-30ML', warehouseId: 'ID-JKT-01', quantity: 1 },
    ]);
  });

  it('substitutes the same formula in another pack when the ordered pack is gone everywhere, and records the reason', async () => {
    await stock({ 'ID-JKT-01': { 'KG-SCRUB-100G': 0, 'KG-SCRUB-2X50G': 3 }, 'ID-SUB-01': { 'KG-SCRUB-100G': 0, 'KG-SCRUB-2X50G': 0 } });
    const order = request('kopi-glow', '12940', [{ sku: 'KG-SCRUB-100G', quantity: 3 }]);

    const result = await reserveOrder(inventory, order);

    expect(result).toMatchObject({
      status: 'RESERVED',
      lines: [{ sku: 'KG-SCRUB-2X50G', warehouseId: 'ID-JKT-01', quantity: 3 }],
      details: { substitutions: [{ originalSku: 'KG-SCRUB-100G', substituteSku: 'KG-SCRUB-2X50G', quantity: 3, reason: 'the same scrub in two 50 g jars, at the same price' }] },
    });
  });

  it('a fashion brand never substitutes: its short order is a shortfall with nothing held', async () => {
    await stock({ 'IN-BLR-01': { 'ST-KURTA-IND-M': 1 }, 'IN-DEL-01': { 'ST-KURTA-IND-M': 0 }, 'IN-BOM-01': { 'ST-KURTA-IND-M': 0 } });
    const order = request('saffron-threads', '560001', [{ sku: 'ST-KURTA-IND-M', quantity: 2 }]);

    expect(await reserveOrder(inventory, order)).toEqual({ status: 'SHORTFALL', short: [{ sku: 'ST-KURTA-IND-M', requested: 2, bestAvailable: 1 }] });
    expect(await inventory.stock('ST-KURTA-IND-M', 'IN-BLR-01')).toMatchObject({ reserved: 0, available: 1 });
  });

  it('in shadow mode says what it would hold and holds nothing', async () => {
    await stock({ 'ID-JKT-01': { 'KG-SERUM-30ML': 4 } });
    const order = request('kopi-glow', '12940', [{ sku: 'KG-SERUM-30ML', quantity: 1 }], { dryRun: true });

    expect(await reserveOrder(inventory, order)).toMatchObject({ status: 'RESERVED', replayed: false, details: { warehouseIds: ['ID-JKT-01'] } });
    expect(await inventory.reservation(order.orderKey)).toBeUndefined();
  });

  it('racing orders for the last units: each is reserved somewhere or short, never oversold', async () => {
    // Stock no earlier test touched, so nothing else is reserved against it.
    await stock({ 'MY-KUL-01': { 'RL-RATTAN-LAMP': 2 }, 'MY-PEN-01': { 'RL-RATTAN-LAMP': 13 } });

    const results = await Promise.all(Array.from({ length: 20 }, () => reserveOrder(inventory, request('rumah-living', '50450', [{ sku: 'RL-RATTAN-LAMP', quantity: 1 }]))));

    expect(results.filter((result) => result.status === 'RESERVED')).toHaveLength(15);
    expect(results.filter((result) => result.status === 'SHORTFALL')).toHaveLength(5);
    const after = await inventory.levels([{ sku: 'RL-RATTAN-LAMP', warehouseId: 'MY-KUL-01' }, { sku: 'RL-RATTAN-LAMP', warehouseId: 'MY-PEN-01' }]);
    expect(after.map((level) => [level.warehouseId, level.reserved, level.available]).sort()).toEqual([['MY-KUL-01', 2, 0], ['MY-PEN-01', 13, 0]]);
  });
});
