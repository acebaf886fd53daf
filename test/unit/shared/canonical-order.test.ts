import { describe, expect, it } from 'vitest';
import { mapShopifyOrder } from '../../../lambdas/intake/domain/shopify-order.ts';
import { CanonicalOrderSchema, sourceVersion } from '../../../lambdas/shared/canonical-order.ts';
import { aShopifyOrder } from '../../helpers/shopify-order.ts';

const anOrder = () => mapShopifyOrder('saffron-threads', aShopifyOrder()).order;

describe('the canonical order contract', () => {
  it('versions an order by when the storefront last changed it, whatever the offset it was written in', () => {
    expect(sourceVersion({ updatedAt: '2026-11-28T15:30:00+05:30' })).toBe(sourceVersion({ updatedAt: '2026-11-28T10:00:00Z' }));
    expect(sourceVersion({ updatedAt: '2026-11-28T15:30:01+05:30' })).toBeGreaterThan(sourceVersion({ updatedAt: '2026-11-28T10:00:00Z' }));
  });

  it('refuses a phone that is not E.164, so consumers never re-parse one', () => {
    const order = anOrder();
    const result = CanonicalOrderSchema.safeParse({ ...order, customer: { ...order.customer, phone: '098123 45670' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['customer.phone']);
  });

  it('refuses fractional or negative money', () => {
    const result = CanonicalOrderSchema.safeParse({ ...anOrder(), taxMinor: 12.5, shippingMinor: -1 });
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['shippingMinor', 'taxMinor']);
  });

  it('refuses a schema version it does not know', () => {
    expect(CanonicalOrderSchema.safeParse({ ...anOrder(), schemaVersion: 2 }).success).toBe(false);
  });
});
