import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderPayloadInvalidError } from '../../../lambdas/intake/domain/errors.ts';
import { decimalToMinorUnits, mapShopifyOrder } from '../../../lambdas/intake/domain/shopify-order.ts';
import { CanonicalOrderSchema } from '../../../lambdas/shared/canonical-order.ts';
import { aShopifyOrder } from '../../helpers/shopify-order.ts';

function problemsOf(payload: unknown): { field: string; message: string }[] {
  try {
    mapShopifyOrder('saffron-threads', payload);
  } catch (error) {
    if (error instanceof OrderPayloadInvalidError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('mapping a Shopify order to the canonical order', () => {
  it('keeps money in integer paise and every line, customer and address field', () => {
    const payload = aShopifyOrder({
      total_price: '5697.00',
      line_items: [
        { id: 1, sku: 'ST-KURTA-IND-M', variant_id: 40000000001, product_id: 7, title: 'Kurta', quantity: 2, price: '1899.00' },
        { id: 2, sku: 'ST-JUTTI-38', variant_id: 40000000002, product_id: 8, title: 'Jutti', quantity: 1, price: '1899.00' },
      ],
    });

    const order = mapShopifyOrder('saffron-threads', payload);

    expect(CanonicalOrderSchema.parse(order)).toEqual(order);
    expect(order).toMatchObject({
      brand: 'saffron-threads',
      orderId: '5801234567890',
      orderNumber: '#1000',
      currency: 'INR',
      totalMinor: 569700,
      paymentMethod: 'prepaid',
      customer: { name: 'Aarav Sharma', email: 'aarav.0@example.com', phone: '+919812345670' },
      shippingAddress: { line1: '14 Janpath', city: 'New Delhi', postalCode: '110001', country: 'IN' },
      tags: ['festival-sale'],
    });
    expect(order.lines).toEqual([
      { sku: 'ST-KURTA-IND-M', variantId: '40000000001', quantity: 2, unitPriceMinor: 189900 },
      { sku: 'ST-JUTTI-38', variantId: '40000000002', quantity: 1, unitPriceMinor: 189900 },
    ]);
  });

  it('reads cash on delivery from the gateway names, whatever their case', () => {
    const order = mapShopifyOrder('saffron-threads', aShopifyOrder({ payment_gateway_names: ['Cash on Delivery (COD)'] }));
    expect(order.paymentMethod).toBe('cod');
  });

  it('names the field when an order has no line items', () => {
    expect(problemsOf(aShopifyOrder({ line_items: [] }))).toEqual([{ field: 'line_items', message: 'an order needs at least one line item' }]);
  });

  it('names every bad field at once', () => {
    const problems = problemsOf({ ...aShopifyOrder(), currency: 'USD', total_price: 'free' });
    expect(problems.map((problem) => problem.field).sort()).toEqual(['currency', 'total_price']);
  });

  it('rejects a line without a SKU, since stock cannot be reserved for it', () => {
    const payload = aShopifyOrder();
    payload.line_items[0]!.sku = '';
    expect(problemsOf(payload)).toEqual([{ field: 'line_items.0.sku', message: 'every line item needs a SKU' }]);
  });

  it('never throws anything but OrderPayloadInvalidError, whatever JSON arrives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        try {
          mapShopifyOrder('saffron-threads', payload);
        } catch (error) {
          expect(error).toBeInstanceOf(OrderPayloadInvalidError);
        }
      }),
    );
  });
});

describe('decimal prices to minor units', () => {
  it('converts without floating-point drift', () => {
    expect(decimalToMinorUnits('0.29')).toBe(29);
    expect(decimalToMinorUnits('1299.5')).toBe(129950);
    expect(decimalToMinorUnits('189000')).toBe(18900000);
  });

  it('agrees with integer arithmetic for every amount', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(99), (whole, cents) => {
        expect(decimalToMinorUnits(`${whole}.${String(cents).padStart(2, '0')}`)).toBe(whole * 100 + cents);
      }),
    );
  });
});
