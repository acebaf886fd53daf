import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShopifyOrderPayload } from '../../../local/simulators/shopify/demo-orders.ts';
import { OrderPayloadInvalidError } from '../../../lambdas/intake/domain/errors.ts';
import { decimalToMinorUnits, mapShopifyOrder } from '../../../lambdas/intake/domain/shopify-order.ts';
import { CanonicalOrderSchema, sourceVersion } from '../../../lambdas/shared/canonical-order.ts';
import { aShopifyOrder } from '../../helpers/shopify-order.ts';

const BRAND = 'saffron-threads';
const map = (payload: unknown) => mapShopifyOrder(BRAND, payload);

function problemsOf(payload: unknown): { field: string; message: string }[] {
  try {
    map(payload);
  } catch (error) {
    if (error instanceof OrderPayloadInvalidError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

const fieldsOf = (payload: unknown) => problemsOf(payload).map((problem) => problem.field).sort();

/** An order shipped to `country`, with the customer's phone written as they typed it. */
function anOrderIn(country: 'IN' | 'ID' | 'MY', phone: string | null): ShopifyOrderPayload {
  const place = { IN: { zip: '560001', currency: 'INR' }, ID: { zip: '40111', currency: 'IDR' }, MY: { zip: '50450', currency: 'MYR' } }[country];
  const order = aShopifyOrder({ currency: place.currency, phone });
  return { ...order, shipping_address: { ...order.shipping_address, country_code: country, zip: place.zip, phone } };
}

describe('mapping each Shopify order topic to the canonical order', () => {
  it('orders/create: keeps the identity, lines, customer and address', () => {
    const { order, warnings } = map(aShopifyOrder({ name: '#1000', email: 'aarav.0@example.com', phone: '+919812345670' }));

    expect(warnings).toEqual([]);
    expect(CanonicalOrderSchema.parse(order)).toEqual(order);
    expect(order).toMatchObject({
      schemaVersion: 1,
      brand: BRAND,
      orderId: '5801234567890',
      orderNumber: '#1000',
      currency: 'INR',
      customer: { name: 'Aarav Sharma', email: 'aarav.0@example.com', phone: '+919812345670' },
      shippingAddress: { name: 'Aarav Sharma', line1: '14 Janpath', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN' },
    });
    expect(order.cancelledAt).toBeUndefined();
  });

  it('orders/updated: carries the newer updated_at, so consumers can drop the older version', () => {
    const created = map(aShopifyOrder({ created_at: '2026-11-28T15:30:00+05:30', updated_at: '2026-11-28T15:30:00+05:30' })).order;
    const updated = map(aShopifyOrder({ created_at: '2026-11-28T15:30:00+05:30', updated_at: '2026-11-28T16:05:12+05:30', tags: 'festival-sale, gift-wrap' })).order;

    expect(updated.tags).toEqual(['festival-sale', 'gift-wrap']);
    expect(sourceVersion(updated) - sourceVersion(created)).toBe(35 * 60_000 + 12_000);
    expect(sourceVersion(created)).toBe(Date.parse('2026-11-28T10:00:00Z'));
  });

  it('orders/paid: a COD order that was pending reads as paid, still cash on delivery', () => {
    const { order } = map(aShopifyOrder({ financial_status: 'paid', payment_gateway_names: ['Cash on Delivery (COD)'] }));
    expect(order).toMatchObject({ financialStatus: 'paid', paymentMethod: 'cod' });
  });

  it('orders/cancelled: carries when and why it was cancelled', () => {
    const { order } = map(aShopifyOrder({ financial_status: 'voided', cancelled_at: '2026-11-28T18:00:00+05:30', cancel_reason: 'customer' }));
    expect(order).toMatchObject({ financialStatus: 'voided', cancelledAt: '2026-11-28T18:00:00+05:30', cancelReason: 'customer' });
  });

  it('keeps the processing time, note and note attributes as the customer left them', () => {
    const { order } = map(
      aShopifyOrder({
        processed_at: '2026-11-28T15:30:01+05:30',
        note: 'कृपया डिलीवरी से पहले कॉल करें',
        note_attributes: [{ name: 'gift_message', value: 'Happy Diwali!' }, { name: 'preferred_channel', value: 'email' }],
      }),
    );
    expect(order).toMatchObject({
      processedAt: '2026-11-28T15:30:01+05:30',
      note: 'कृपया डिलीवरी से पहले कॉल करें',
      noteAttributes: { gift_message: 'Happy Diwali!', preferred_channel: 'email' },
    });
  });

  it('reads cash on delivery from the gateway names, whatever their case, and anything else as prepaid', () => {
    expect(map(aShopifyOrder({ payment_gateway_names: ['cash on delivery'] })).order.paymentMethod).toBe('cod');
    expect(map(aShopifyOrder({ payment_gateway_names: ['razorpay', 'gift_card'] })).order.paymentMethod).toBe('prepaid');
  });
});

describe('money in integer minor units', () => {
  it('takes totals, tax, discounts and shipping from the order without floating-point drift', () => {
    const base = aShopifyOrder();
    const { order } = map({
      ...base,
      total_price: '5737.05',
      subtotal_price: '5248.00',
      total_tax: '389.15',
      total_discounts: '50.00',
      total_shipping_price_set: { shop_money: { amount: '99.90', currency_code: 'INR' }, presentment_money: { amount: '99.90', currency_code: 'INR' } },
      line_items: [
        { ...base.line_items[0]!, sku: 'ST-KURTA-IND-M', quantity: 2, price: '1899.00', total_discount: '50.00', tax_lines: [{ title: 'CGST', price: '93.70', rate: 0.025 }, { title: 'SGST', price: '93.70', rate: 0.025 }] },
        { ...base.line_items[0]!, sku: 'ST-DUPATTA-SLK', quantity: 1, price: '1500.10', total_discount: '0.00', tax_lines: [{ title: 'IGST', price: '201.75', rate: 0.12 }] },
      ],
    });

    expect(order).toMatchObject({ totalMinor: 573705, subtotalMinor: 524800, taxMinor: 38915, discountMinor: 5000, shippingMinor: 9990 });
    expect(order.lines.map(({ sku, quantity, unitPriceMinor, taxMinor, discountMinor }) => ({ sku, quantity, unitPriceMinor, taxMinor, discountMinor }))).toEqual([
      { sku: 'ST-KURTA-IND-M', quantity: 2, unitPriceMinor: 189900, taxMinor: 18740, discountMinor: 5000 },
      { sku: 'ST-DUPATTA-SLK', quantity: 1, unitPriceMinor: 150010, taxMinor: 20175, discountMinor: 0 },
    ]);
  });

  it('counts no tax, discount or shipping as zero when Shopify leaves them out or sends null', () => {
    const { total_shipping_price_set: _shipping, ...base } = aShopifyOrder();
    const { order } = map({ ...base, total_tax: null, total_discounts: null, line_items: [{ ...base.line_items[0]!, total_discount: null, tax_lines: null }] });
    expect(order).toMatchObject({ taxMinor: 0, discountMinor: 0, shippingMinor: 0 });
    expect(order.lines[0]).toMatchObject({ taxMinor: 0, discountMinor: 0 });
  });

  it('converts decimal strings exactly', () => {
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

describe('customer contact details', () => {
  it.each([
    ['IN', '098123 45670', '+919812345670'],
    ['IN', '+91-99001-12233', '+919900112233'],
    ['ID', '0812-3456-7890', '+6281234567890'],
    ['MY', '012-345 6789', '+60123456789'],
  ] as const)('turns a %s phone written as "%s" into %s', (country, written, e164) => {
    const { order, warnings } = map(anOrderIn(country, written));
    expect(warnings).toEqual([]);
    expect(order.customer.phone).toBe(e164);
    expect(order.shippingAddress.phone).toBe(e164);
  });

  it('leaves out a phone that cannot be a number and says so, without rejecting the order', () => {
    const { order, warnings } = map(anOrderIn('IN', '12345'));
    expect(order.customer.phone).toBeUndefined();
    expect(order.shippingAddress.phone).toBeUndefined();
    expect(warnings.map((warning) => warning.field).sort()).toEqual(['phone', 'shipping_address.phone']);
    expect(warnings[0]!.message).toContain('"12345"');
  });

  it('falls back to the address phone when the order has none', () => {
    const order = anOrderIn('ID', null);
    const { order: canonical } = map({ ...order, shipping_address: { ...order.shipping_address, phone: '0812-3456-7890' } });
    expect(canonical.customer.phone).toBe('+6281234567890');
  });

  it('leaves out an email that is not one and says so', () => {
    const { order, warnings } = map(aShopifyOrder({ email: 'aarav at example' }));
    expect(order.customer.email).toBeUndefined();
    expect(warnings).toEqual([{ field: 'email', message: expect.stringContaining('"aarav at example"') }]);
  });

  it.each([
    ['hi-IN', [], 'hi'],
    ['ms-MY', [], 'ms'],
    ['en', [{ name: 'language', value: 'id' }], 'id'],
    ['en-IN', [{ name: 'language', value: 'Hindi' }], 'hi'],
    ['zh-CN', [], undefined],
  ])('takes the language from locale %s and note attributes %j', (locale, attributes, language) => {
    const { order, warnings } = map(aShopifyOrder({ customer_locale: locale, note_attributes: attributes }));
    expect(order.customer.preferredLanguage).toBe(language);
    expect(warnings).toEqual([]);
  });

  it('warns about a language attribute no message is written in, and falls back to the locale', () => {
    const { order, warnings } = map(aShopifyOrder({ customer_locale: 'hi-IN', note_attributes: [{ name: 'language', value: 'Klingon' }] }));
    expect(order.customer.preferredLanguage).toBe('hi');
    expect(warnings.map((warning) => warning.field)).toEqual(['note_attributes.language']);
  });

  it('takes the preferred channel from the note attribute, and warns about one it cannot send on', () => {
    expect(map(aShopifyOrder({ note_attributes: [{ name: 'preferred_channel', value: 'WhatsApp' }] })).order.customer.preferredChannel).toBe('whatsapp');
    const { order, warnings } = map(aShopifyOrder({ note_attributes: [{ name: 'preferred_channel', value: 'sms' }] }));
    expect(order.customer.preferredChannel).toBeUndefined();
    expect(warnings.map((warning) => warning.field)).toEqual(['note_attributes.preferred_channel']);
  });

  it('names the customer from the shipping address when the order has no customer record', () => {
    const order = aShopifyOrder();
    const payload = { ...order, customer: null, shipping_address: { ...order.shipping_address, first_name: 'Priya', last_name: 'Iyer' } };
    expect(map(payload).order.customer.name).toBe('Priya Iyer');
  });
});

describe('rejecting an order that cannot be fulfilled', () => {
  const order = aShopifyOrder();
  const withAddress = (address: Record<string, unknown>) => ({ ...order, shipping_address: { ...order.shipping_address, ...address } });
  const withLine = (line: Record<string, unknown>) => ({ ...order, line_items: [{ ...order.line_items[0]!, ...line }] });

  it.each([
    ['a currency not sold in', 'currency', { ...order, currency: 'USD' }],
    ['a total that is not an amount', 'total_price', { ...order, total_price: 'free' }],
    ['a total with three decimals', 'total_price', { ...order, total_price: '10.999' }],
    ['an unknown financial status', 'financial_status', { ...order, financial_status: 'settled' }],
    ['no line items', 'line_items', { ...order, line_items: [] }],
    ['a line without a SKU', 'line_items.0.sku', withLine({ sku: '' })],
    ['a line whose SKU is null', 'line_items.0.sku', withLine({ sku: null })],
    ['a custom line without a variant', 'line_items.0.variant_id', withLine({ variant_id: null })],
    ['a line for zero units', 'line_items.0.quantity', withLine({ quantity: 0 })],
    ['a line with a negative price', 'line_items.0.price', withLine({ price: '-5.00' })],
    ['no shipping address', 'shipping_address', { ...order, shipping_address: null }],
    ['an empty street', 'shipping_address.address1', withAddress({ address1: '  ' })],
    ['a country not shipped to', 'shipping_address.country_code', withAddress({ country_code: 'SG' })],
    ['a 4-digit PIN', 'shipping_address.zip', withAddress({ zip: '1100' })],
    ['a PIN that does not exist', 'shipping_address.zip', withAddress({ zip: '123456' })],
    ['a Malaysian poskod of 6 digits', 'shipping_address.zip', { ...withAddress({ country_code: 'MY', zip: '504500' }), currency: 'MYR' }],
    ['a timestamp without an offset', 'updated_at', { ...order, updated_at: '2026-11-28 10:00' }],
    ['no one to deliver to', 'customer', { ...withAddress({ first_name: null, last_name: null }), customer: null }],
  ] as const)('%s names %s', (_case, field, payload) => {
    expect(fieldsOf(payload)).toEqual([field]);
  });

  it('says why a PIN is refused', () => {
    expect(problemsOf({ ...order, shipping_address: { ...order.shipping_address, zip: '000000' } })).toEqual([
      { field: 'shipping_address.zip', message: '"000000" is not a 6-digit PIN, the IN postal code format' },
    ]);
  });

  it('accepts a PIN written with a space, and stores its digits', () => {
    expect(map(withAddress({ zip: '560 001' })).order.shippingAddress.postalCode).toBe('560001');
  });

  it('names every bad field at once, the postal code included', () => {
    const payload = { ...withAddress({ zip: '999999' }), currency: 'USD', total_price: 'free', line_items: [{ ...order.line_items[0]!, sku: '' }] };
    expect(fieldsOf(payload)).toEqual(['currency', 'line_items.0.sku', 'shipping_address.zip', 'total_price']);
  });

  it('rejects a body that is not an order at all', () => {
    expect(fieldsOf([])).toEqual(['(root)']);
    expect(fieldsOf(null)).toEqual(['(root)']);
  });
});

describe('robustness', () => {
  it('tolerates every field Shopify may send as null', () => {
    const order = aShopifyOrder();
    const { order: canonical } = map({
      ...order,
      email: null,
      phone: null,
      tags: null,
      note: null,
      note_attributes: null,
      customer_locale: null,
      payment_gateway_names: null,
      processed_at: null,
      cancelled_at: null,
      cancel_reason: null,
      billing_address: null,
      customer: { first_name: null, last_name: null, email: null, phone: null },
      line_items: [{ ...order.line_items[0]!, product_id: null, title: null }],
      shipping_address: { ...order.shipping_address, address2: null, province: null, phone: null },
    });
    expect(canonical).toMatchObject({ tags: [], noteAttributes: {}, paymentMethod: 'prepaid', customer: { name: 'Aarav Sharma' } });
    expect(canonical.customer.email).toBeUndefined();
    expect(canonical.lines[0]!.productId).toBeUndefined();
  });

  it('never throws anything but OrderPayloadInvalidError, whatever JSON arrives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        expect(() => map(payload)).toThrow(OrderPayloadInvalidError);
      }),
    );
  });

  it('maps or rejects with field problems when any part of a valid order is replaced or removed', () => {
    const valid = aShopifyOrder();
    const paths = pathsOf(valid);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.option(fc.jsonValue(), { nil: undefined }), (path, replacement) => {
        const payload = withReplaced(valid, path, replacement);
        try {
          const { order } = map(payload);
          expect(CanonicalOrderSchema.parse(order)).toEqual(order);
        } catch (error) {
          expect(error).toBeInstanceOf(OrderPayloadInvalidError);
          expect((error as OrderPayloadInvalidError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

type Json = unknown;

/** Every path to a value inside `value`, e.g. ['line_items', 0, 'sku']. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

/** A deep copy of `value` with the value at `path` replaced, or removed when `replacement` is undefined. */
function withReplaced(value: Json, path: (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy;
}
