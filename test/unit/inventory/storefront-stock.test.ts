import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUANTITIES_PER_MUTATION, planStorefrontPushes, type StockAvailability, type StorefrontMapping } from '../../../lambdas/inventory/domain/storefront-stock.ts';

const item = (n: number) => `gid://shopify/InventoryItem/${n}`;
const location = (n: number) => `gid://shopify/Location/${n}`;

const saffron: StorefrontMapping = {
  brand: 'saffron-threads',
  shop: 'saffron-threads.myshopify.com',
  locationIds: { 'IN-DEL-01': location(11), 'IN-BLR-01': location(12) },
  inventoryItemIds: { 'KURTA-M': item(101), 'SAREE-SILK': item(102) },
};
const monsoon: StorefrontMapping = {
  brand: 'monsoon-home',
  shop: 'monsoon-home.myshopify.com',
  locationIds: { 'IN-DEL-01': location(21) },
  inventoryItemIds: { 'KURTA-M': item(201) },
};

describe('planning what each storefront shows', () => {
  it('sends a SKU’s stock to every brand that sells it from that warehouse', () => {
    // Prepare
    const levels: StockAvailability[] = [{ sku: 'KURTA-M', warehouseId: 'IN-DEL-01', available: 7 }];
    // Act
    const pushes = planStorefrontPushes(levels, [saffron, monsoon]);
    // Assess
    expect(pushes).toEqual([
      { brand: 'monsoon-home', shop: 'monsoon-home.myshopify.com', quantities: [{ inventoryItemId: item(201), locationId: location(21), quantity: 7 }] },
      { brand: 'saffron-threads', shop: 'saffron-threads.myshopify.com', quantities: [{ inventoryItemId: item(101), locationId: location(11), quantity: 7 }] },
    ]);
  });

  it('skips SKUs and warehouses a brand does not map, and brands left with nothing to send', () => {
    const levels: StockAvailability[] = [
      { sku: 'SAREE-SILK', warehouseId: 'IN-BLR-01', available: 3 },
      { sku: 'UNKNOWN', warehouseId: 'IN-DEL-01', available: 9 },
      { sku: 'KURTA-M', warehouseId: 'MY-KUL-01', available: 4 },
      { sku: 'constructor', warehouseId: 'toString', available: 1 },
    ];

    const pushes = planStorefrontPushes(levels, [saffron, monsoon]);

    expect(pushes).toEqual([{ brand: 'saffron-threads', shop: 'saffron-threads.myshopify.com', quantities: [{ inventoryItemId: item(102), locationId: location(12), quantity: 3 }] }]);
  });

  it('shows oversold stock as zero, never negative', () => {
    const pushes = planStorefrontPushes([{ sku: 'KURTA-M', warehouseId: 'IN-DEL-01', available: -2 }], [saffron]);

    expect(pushes[0]!.quantities).toEqual([{ inventoryItemId: item(101), locationId: location(11), quantity: 0 }]);
  });

  it('keeps the newest value when the same SKU and warehouse appear more than once', () => {
    const levels: StockAvailability[] = [
      { sku: 'KURTA-M', warehouseId: 'IN-DEL-01', available: 5 },
      { sku: 'SAREE-SILK', warehouseId: 'IN-DEL-01', available: 2 },
      { sku: 'KURTA-M', warehouseId: 'IN-DEL-01', available: 4 },
    ];

    const pushes = planStorefrontPushes(levels, [saffron]);

    expect(pushes[0]!.quantities).toEqual([
      { inventoryItemId: item(101), locationId: location(11), quantity: 4 },
      { inventoryItemId: item(102), locationId: location(11), quantity: 2 },
    ]);
  });

  it('splits a large catalogue into mutations of at most 250 quantities', () => {
    // Prepare: 300 SKUs in two warehouses, 600 quantities for one brand
    const skus = Array.from({ length: 300 }, (_, n) => `SKU-${String(n).padStart(3, '0')}`);
    const big: StorefrontMapping = { ...saffron, inventoryItemIds: Object.fromEntries(skus.map((sku, n) => [sku, item(1000 + n)])) };
    const levels = skus.flatMap((sku, n) => [
      { sku, warehouseId: 'IN-DEL-01', available: n },
      { sku, warehouseId: 'IN-BLR-01', available: n + 1 },
    ]);
    // Act
    const pushes = planStorefrontPushes(levels, [big]);
    // Assess
    expect(pushes.map((push) => push.quantities.length)).toEqual([250, 250, 100]);
    expect(new Set(pushes.flatMap((push) => push.quantities.map((q) => `${q.inventoryItemId}@${q.locationId}`))).size).toBe(600);
  });

  it('plans the same mutations whatever order the brands and levels arrive in', () => {
    const levels: StockAvailability[] = [
      { sku: 'SAREE-SILK', warehouseId: 'IN-BLR-01', available: 3 },
      { sku: 'KURTA-M', warehouseId: 'IN-DEL-01', available: 7 },
      { sku: 'KURTA-M', warehouseId: 'IN-BLR-01', available: 1 },
    ];

    const forwards = planStorefrontPushes(levels, [saffron, monsoon]);
    const backwards = planStorefrontPushes([...levels].reverse(), [monsoon, saffron]);

    expect(backwards).toEqual(forwards);
    expect(forwards[1]!.quantities.map((q) => [q.inventoryItemId, q.locationId])).toEqual([
      [item(101), location(12)],
      [item(101), location(11)],
      [item(102), location(12)],
    ]);
  });

  it('sends every mapped level exactly once to each brand selling it, within the mutation limit', () => {
    const skus = Array.from({ length: 40 }, (_, n) => `S${n}`);
    const warehouses = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'];
    const storefront = fc
      .record({ brand: fc.string({ minLength: 1, maxLength: 8 }), skus: fc.subarray(skus), warehouses: fc.subarray(warehouses) })
      .map(({ brand, skus: sold, warehouses: stocked }): StorefrontMapping => ({
        brand,
        shop: `${brand}.myshopify.com`,
        inventoryItemIds: Object.fromEntries(sold.map((sku) => [sku, `item:${brand}:${sku}`])),
        locationIds: Object.fromEntries(stocked.map((warehouse) => [warehouse, `location:${brand}:${warehouse}`])),
      }));
    const level = fc.record({ sku: fc.constantFrom(...skus, 'UNMAPPED'), warehouseId: fc.constantFrom(...warehouses), available: fc.integer({ min: -5, max: 50 }) });

    fc.assert(
      fc.property(fc.array(level, { maxLength: 400 }), fc.uniqueArray(storefront, { selector: (s) => s.brand, maxLength: 4 }), (levels, storefronts) => {
        const pushes = planStorefrontPushes(levels, storefronts);

        expect(pushes.every((push) => push.quantities.length >= 1 && push.quantities.length <= MAX_QUANTITIES_PER_MUTATION)).toBe(true);
        for (const mapping of storefronts) {
          const sent = pushes.filter((push) => push.brand === mapping.brand).flatMap((push) => push.quantities);
          const newest = new Map(levels.map((l) => [`${l.sku}/${l.warehouseId}`, l]));
          const expected = [...newest.values()].filter((l) => Object.hasOwn(mapping.inventoryItemIds, l.sku) && Object.hasOwn(mapping.locationIds, l.warehouseId));
          expect(sent).toHaveLength(expected.length);
          for (const l of expected) {
            const matches = sent.filter((q) => q.inventoryItemId === mapping.inventoryItemIds[l.sku] && q.locationId === mapping.locationIds[l.warehouseId]);
            expect(matches).toEqual([{ inventoryItemId: mapping.inventoryItemIds[l.sku], locationId: mapping.locationIds[l.warehouseId], quantity: Math.max(0, l.available) }]);
          }
        }
      }),
    );
  });
});
