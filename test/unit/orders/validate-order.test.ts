import { describe, expect, it } from 'vitest';
import { mapShopifyOrder } from '../../../lambdas/intake/domain/shopify-order.ts';
import { executionNameFor } from '../../../lambdas/orders/domain/execution-name.ts';
import { validateOrder } from '../../../lambdas/orders/domain/validate-order.ts';
import { aShopifyOrder } from '../../helpers/shopify-order.ts';

const now = new Date('2026-11-28T10:00:00Z');
const anOrder = (overrides: Parameters<typeof aShopifyOrder>[0] = {}) => mapShopifyOrder('saffron-threads', aShopifyOrder(overrides)).order;

describe('validate order', () => {
  it('accepts a well-formed Indian order and dates the outcome', () => {
    expect(validateOrder(anOrder(), now)).toEqual({ valid: true, reasons: [], validatedAt: '2026-11-28T10:00:00.000Z' });
  });

  it('rejects a 4-digit PIN with the field ops must fix', () => {
    const order = anOrder();
    const result = validateOrder({ ...order, shippingAddress: { ...order.shippingAddress, postalCode: '1100' } }, now);
    expect(result).toMatchObject({ valid: false, reasons: [{ field: 'shippingAddress.postalCode', message: expect.stringContaining('"1100" is not') }] });
  });

  it('rejects a PIN of the right shape that does not exist', () => {
    const order = anOrder();
    const result = validateOrder({ ...order, shippingAddress: { ...order.shippingAddress, postalCode: '000000' } }, now);
    expect(result.reasons.map((reason) => reason.field)).toEqual(['shippingAddress.postalCode']);
  });

  it('accepts a discounted order whose total is below the list price of its lines', () => {
    const order = anOrder();
    const list = order.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
    expect(validateOrder({ ...order, discountMinor: 10_000, totalMinor: list - 10_000 }, now).valid).toBe(true);
  });

  it('rejects a currency that is not the shipping country\'s', () => {
    const result = validateOrder({ ...anOrder(), currency: 'MYR' }, now);
    expect(result.reasons.map((reason) => reason.field)).toEqual(['currency']);
  });

  it('rejects a total below the sum of its lines', () => {
    const result = validateOrder({ ...anOrder(), totalMinor: 1 }, now);
    expect(result.reasons.map((reason) => reason.field)).toEqual(['totalMinor']);
  });
});

describe('order lifecycle execution name', () => {
  it('is <brand>-<orderId>, so a second start for the same order is a duplicate', () => {
    expect(executionNameFor('saffron-threads', '5801234567890')).toBe('saffron-threads-5801234567890');
  });

  it('replaces characters Step Functions does not allow', () => {
    expect(executionNameFor('kopi glow', '#1001')).toBe('kopi_glow-_1001');
  });

  it('refuses names longer than 80 characters instead of truncating into a collision', () => {
    expect(() => executionNameFor('b'.repeat(60), '1'.repeat(30))).toThrow(RangeError);
  });
});
