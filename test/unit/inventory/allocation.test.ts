import { describe, expect, it } from 'vitest';
import { allocate } from '../../../lambdas/inventory/domain/allocation.ts';
import type { SubstitutionRules } from '../../../lambdas/inventory/domain/substitution.ts';

const rules: SubstitutionRules = {
  brand: 'kopi-glow',
  approvedCategories: ['body-scrub'],
  categoryOf: { SCRUB: 'body-scrub', 'SCRUB-2X50': 'body-scrub', SERUM: 'serum', 'SERUM-2X15': 'serum' },
  equivalents: { SCRUB: [{ sku: 'SCRUB-2X50', reason: 'two 50 g jars' }], SERUM: [{ sku: 'SERUM-2X15', reason: 'two 15 ml bottles' }] },
};
const stockOf = (table: Record<string, number>) => (sku: string, warehouseId: string) => table[`${sku}@${warehouseId}`] ?? 0;

describe('choosing the warehouse for an order', () => {
  it('takes the first warehouse that fills every line, summing repeated SKUs', () => {
    const available = stockOf({ 'SCRUB@JKT': 1, 'SCRUB@SUB': 3, 'SERUM@SUB': 1 });

    const allocation = allocate([{ sku: 'SCRUB', quantity: 1 }, { sku: 'SERUM', quantity: 1 }, { sku: 'SCRUB', quantity: 1 }], ['JKT', 'SUB'], available, rules);

    expect(allocation).toEqual({
      kind: 'fill',
      warehouseId: 'SUB',
      lines: [{ sku: 'SCRUB', warehouseId: 'SUB', quantity: 2 }, { sku: 'SERUM', warehouseId: 'SUB', quantity: 1 }],
      substitutions: [],
    });
  });

  it('prefers a warehouse with the real item over substituting at an earlier one', () => {
    const available = stockOf({ 'SCRUB-2X50@JKT': 5, 'SCRUB@SUB': 1 });

    expect(allocate([{ sku: 'SCRUB', quantity: 1 }], ['JKT', 'SUB'], available, rules)).toMatchObject({ kind: 'fill', warehouseId: 'SUB', substitutions: [] });
  });

  it('substitutes a short line in an approved category and records why', () => {
    const available = stockOf({ 'SCRUB-2X50@JKT': 5 });

    expect(allocate([{ sku: 'SCRUB', quantity: 2 }], ['JKT'], available, rules)).toEqual({
      kind: 'fill',
      warehouseId: 'JKT',
      lines: [{ sku: 'SCRUB-2X50', warehouseId: 'JKT', quantity: 2 }],
      substitutions: [{ originalSku: 'SCRUB', substituteSku: 'SCRUB-2X50', quantity: 2, reason: 'two 50 g jars' }],
    });
  });

  it('never substitutes outside the approved categories: the order is short instead', () => {
    const available = stockOf({ 'SERUM-2X15@JKT': 50 });

    expect(allocate([{ sku: 'SERUM', quantity: 1 }], ['JKT'], available, rules)).toEqual({ kind: 'short', short: [{ sku: 'SERUM', requested: 1, bestAvailable: 0 }] });
  });

  it('does not count the same shelf twice when a substitute is also ordered directly', () => {
    const available = stockOf({ 'SCRUB-2X50@JKT': 2 });

    expect(allocate([{ sku: 'SCRUB-2X50', quantity: 2 }, { sku: 'SCRUB', quantity: 1 }], ['JKT'], available, rules)).toMatchObject({ kind: 'short' });
  });

  it('reports every SKU as short at its best when the stock exists but not in one place', () => {
    const available = stockOf({ 'SCRUB@JKT': 1, 'SERUM@SUB': 1 });

    expect(allocate([{ sku: 'SCRUB', quantity: 1 }, { sku: 'SERUM', quantity: 1 }], ['JKT', 'SUB'], available, { ...rules, approvedCategories: [] })).toEqual({
      kind: 'short',
      short: [{ sku: 'SCRUB', requested: 1, bestAvailable: 1 }, { sku: 'SERUM', requested: 1, bestAvailable: 1 }],
    });
  });
});
