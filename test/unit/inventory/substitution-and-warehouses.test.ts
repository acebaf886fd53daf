import { describe, expect, it } from 'vitest';
import { chooseSubstitute, type SubstitutionRules } from '../../../lambdas/inventory/domain/substitution.ts';
import { postalCodeProblem } from '../../../lambdas/shared/postal/postal-codes.ts';
import { BRANDS } from '../../../lib/config/brands.ts';
import { findWarehouse, WAREHOUSES } from '../../../lib/config/warehouses.ts';

const rules: SubstitutionRules = {
  brand: 'neem-and-rose',
  approvedCategories: ['face-wash'],
  categoryOf: { 'FW-100ML': 'face-wash', 'FW-2x50ML': 'face-wash', 'FW-150ML': 'face-wash', 'SERUM-30ML': 'serum', 'SERUM-ALT-30ML': 'serum', 'LIPSTICK-RED': 'face-wash' },
  equivalents: {
    'FW-100ML': [
      { sku: 'FW-2x50ML', reason: 'the same face wash in two 50 ml packs' },
      { sku: 'FW-150ML', reason: 'the same face wash in a larger pack at the same price' },
    ],
    'SERUM-30ML': [{ sku: 'SERUM-ALT-30ML', reason: 'an equivalent serum' }],
  },
};

describe('auto-substitution', () => {
  it('substitutes the first equivalent with enough stock, within an approved category, and says why', () => {
    const stock: Record<string, number> = { 'FW-2x50ML': 1, 'FW-150ML': 5 };
    expect(chooseSubstitute(rules, 'FW-100ML', 2, (sku) => stock[sku] ?? 0)).toEqual({
      substituted: true,
      substitution: { originalSku: 'FW-100ML', substituteSku: 'FW-150ML', reason: 'the same face wash in a larger pack at the same price' },
    });
  });

  it('never substitutes outside the approved categories, even with an equivalent in stock', () => {
    expect(chooseSubstitute(rules, 'SERUM-30ML', 1, () => 100)).toEqual({ substituted: false, why: 'category_not_approved' });
  });

  it('says when no equivalent is listed, or none has the stock', () => {
    expect(chooseSubstitute(rules, 'LIPSTICK-RED', 1, () => 100)).toEqual({ substituted: false, why: 'no_equivalent' });
    expect(chooseSubstitute(rules, 'FW-100ML', 9, () => 1)).toEqual({ substituted: false, why: 'no_equivalent_in_stock' });
  });
});

describe('warehouse master data', () => {
  it('every brand ships only from warehouses that exist in its own country', () => {
    for (const brand of BRANDS) {
      for (const id of brand.warehouses) expect({ brand: brand.id, id, country: findWarehouse(id)?.country }).toEqual({ brand: brand.id, id, country: brand.country });
    }
  });

  it('has unique ids, sane coordinates and positive capacity in every country served', () => {
    expect(new Set(WAREHOUSES.map((warehouse) => warehouse.id)).size).toBe(WAREHOUSES.length);
    expect(new Set(WAREHOUSES.map((warehouse) => warehouse.country))).toEqual(new Set(['IN', 'ID', 'MY']));
    for (const warehouse of WAREHOUSES) {
      expect(Math.abs(warehouse.latitude)).toBeLessThan(40);
      expect(warehouse.dailyCapacity).toBeGreaterThan(0);
      expect(warehouse.dispatchCutoff.localTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect({ id: warehouse.id, problem: postalCodeProblem(warehouse.country, warehouse.postalCode) }).toEqual({ id: warehouse.id, problem: undefined });
    }
  });
});
