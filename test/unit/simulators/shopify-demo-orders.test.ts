import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import type { DemoBrand, ShopifyOrderPayload, ShopifyTaxLine } from '../../../local/simulators/shopify/demo-orders.ts';
import { demoOrders } from '../../../local/simulators/shopify/demo-orders.ts';
import { parseMinor } from '../../../local/simulators/shopify/pricing.ts';

const BRANDS: readonly DemoBrand[] = [
  { id: 'saffron-threads', storefrontDomain: 'saffron-threads.myshopify.com', country: 'IN', currency: 'INR' },
  { id: 'kopi-glow', storefrontDomain: 'kopi-glow.myshopify.com', country: 'ID', currency: 'IDR' },
  { id: 'rumah-living', storefrontDomain: 'rumah-living.myshopify.com', country: 'MY', currency: 'MYR' },
];
const CREATED = new Date('2026-11-28T10:00:00Z');
const sum = (amounts: readonly string[]) => amounts.reduce((total, amount) => total + parseMinor(amount), 0);
const taxOf = (lines: readonly ShopifyTaxLine[] | undefined) => sum((lines ?? []).map((tax) => tax.price));
const payloads = (count: number, brands = BRANDS) => demoOrders(brands, count, 5_801_234_567_890, CREATED).map((order) => order.payload);

/** Every identity a reader of the payload may rely on, in integer minor units. */
function expectConsistentTotals(order: ShopifyOrderPayload): void {
  const lineItemsExact = order.line_items.reduce((total, line) => total + parseMinor(line.price) * line.quantity, 0);
  const shipping = parseMinor(order.total_shipping_price_set.shop_money.amount);

  expect(parseMinor(order.total_line_items_price)).toBe(lineItemsExact);
  expect(parseMinor(order.total_discounts)).toBe(sum(order.line_items.map((line) => line.total_discount ?? '0.00')));
  expect(parseMinor(order.total_discounts)).toBe(sum(order.discount_codes.map((code) => code.amount)));
  expect(parseMinor(order.subtotal_price)).toBe(lineItemsExact - parseMinor(order.total_discounts));
  expect(parseMinor(order.total_tax)).toBe(order.line_items.reduce((total, line) => total + taxOf(line.tax_lines), 0));
  expect(parseMinor(order.total_tax)).toBe(taxOf(order.tax_lines));
  expect(shipping).toBe(sum(order.shipping_lines.map((line) => line.price)));
  expect(order.total_shipping_price_set.presentment_money).toEqual(order.total_shipping_price_set.shop_money);
  expect(order.total_shipping_price_set.shop_money.currency_code).toBe(order.currency);
  expect(parseMinor(order.total_price)).toBe(parseMinor(order.subtotal_price) + parseMinor(order.total_tax) + shipping);
  // validate-order rejects a total below the sum of line prices, so a good demo order must not have one.
  expect(parseMinor(order.total_price)).toBeGreaterThanOrEqual(lineItemsExact);
}

describe('demo orders', () => {
  it('add up exactly: lines − discounts + tax + shipping is the total, for any batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.subarray([...BRANDS], { minLength: 1 }), fc.nat(1_000_000), (count, brands, startId) => {
        for (const order of demoOrders(brands, count, 5_000_000_000_000 + startId, CREATED)) expectConsistentTotals(order.payload);
      }),
    );
  });

  it('charge Indian GST at 5 % up to ₹2,500 a piece and 18 % above, split CGST/SGST only inside Karnataka', () => {
    const lines = payloads(60).filter((order) => order.currency === 'INR').flatMap((order) => order.line_items.map((line) => ({ order, line })));
    for (const { order, line } of lines) {
      const rate = parseMinor(line.price) <= 250_000 ? 0.05 : 0.18;
      const taxes = line.tax_lines ?? [];
      if (order.shipping_address.province_code === 'KA') {
        expect(taxes.map((tax) => [tax.title, tax.rate])).toEqual([['CGST', rate / 2], ['SGST', rate / 2]]);
      } else {
        expect(taxes.map((tax) => [tax.title, tax.rate])).toEqual([['IGST', rate]]);
      }
    }
    const titles = new Set(lines.flatMap(({ line }) => (line.tax_lines ?? []).map((tax) => `${tax.title} ${tax.rate}`)));
    expect(titles).toEqual(new Set(['IGST 0.05', 'IGST 0.18', 'CGST 0.025', 'SGST 0.025', 'CGST 0.09', 'SGST 0.09']));
  });

  it('give every brand discounts, paid shipping, local-format phones, several locales and WhatsApp preferences', () => {
    const orders = payloads(60);
    for (const currency of ['INR', 'IDR', 'MYR']) {
      const ofBrand = orders.filter((order) => order.currency === currency);
      expect(ofBrand.some((order) => order.discount_codes.length > 0)).toBe(true);
      expect(ofBrand.some((order) => order.shipping_lines.length > 0)).toBe(true);
      expect(ofBrand.some((order) => order.phone === null)).toBe(true);
      expect(ofBrand.some((order) => order.shipping_address.phone?.startsWith('0'))).toBe(true);
      expect(new Set(ofBrand.map((order) => order.customer_locale)).size).toBeGreaterThan(1);
      expect(ofBrand.some((order) => order.note_attributes.some((attribute) => attribute.name === 'preferred_channel' && attribute.value === 'whatsapp'))).toBe(true);
      expect(ofBrand.some((order) => order.note !== null)).toBe(true);
    }
  });

  it('carry phones that all normalise to the same E.164 number as the customer’s, whatever the format', () => {
    for (const order of payloads(60)) {
      const country = order.shipping_address.country_code as CountryCode;
      const phones = [order.phone, order.shipping_address.phone].filter((phone): phone is string => phone !== null);
      const normalised = phones.map((phone) => parsePhoneNumberFromString(phone, country));
      for (const phone of normalised) expect(phone?.isValid()).toBe(true);
      expect(new Set(normalised.map((phone) => phone?.number)).size).toBe(1);
      if (order.phone !== null) expect(order.phone).toMatch(/^\+\d{10,14}$/);
    }
  });

  it('are open, dated in the shop’s time zone to the second, with created = updated = processed', () => {
    for (const order of payloads(9)) {
      expect(order).toMatchObject({ cancelled_at: null, cancel_reason: null, taxes_included: false });
      expect(order.updated_at).toBe(order.created_at);
      expect(order.processed_at).toBe(order.created_at);
      expect(Date.parse(order.created_at)).toBe(CREATED.getTime());
    }
    expect(payloads(3).map((order) => order.created_at)).toEqual(['2026-11-28T15:30:00+05:30', '2026-11-28T17:00:00+07:00', '2026-11-28T18:00:00+08:00']);
  });

  it('keep the expected outcome: every tenth order ships to a 4-digit postal code and must be rejected', () => {
    const orders = demoOrders(BRANDS, 30, 5_801_234_567_890, CREATED);
    expect(orders.filter((order) => order.expectedStatus === 'REJECTED').map((order) => order.payload.name)).toEqual(['#1009', '#1019', '#1029']);
    for (const order of orders) expect(order.payload.shipping_address.zip.length === 4).toBe(order.expectedStatus === 'REJECTED');
  });

  it('are financially pending for cash on delivery and paid otherwise', () => {
    for (const order of payloads(12)) {
      const cod = order.payment_gateway_names.includes('Cash on Delivery (COD)');
      expect(order.financial_status).toBe(cod ? 'pending' : 'paid');
    }
  });
});
