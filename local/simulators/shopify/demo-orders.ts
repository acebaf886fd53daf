import { randomInt } from 'node:crypto';
import { formatMinor, priceOrder, rateOf, taxRatesFor, type PricedOrder } from './pricing.ts';
import { SHOP_UTC_OFFSET, shopTimestamp } from './shop-time.ts';
import { productsOf } from '../../../lib/config/catalog.ts';

export type FinancialStatus = 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
export type CancelReason = 'customer' | 'fraud' | 'inventory' | 'declined' | 'staff' | 'other';

export interface ShopifyTaxLine {
  title: string;
  price: string;
  /** A decimal fraction, as Shopify sends it: 0.09 for 9 %. */
  rate: number;
}

export interface ShopifyMoneySet {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
}

export interface ShopifyLineItem {
  id: number;
  sku: string;
  variant_id: number;
  product_id: number;
  title: string;
  quantity: number;
  /** Unit price before discounts and tax. */
  price: string;
  // Shopify always sends the next two; they are optional here so tests can hand-build lines.
  total_discount?: string;
  tax_lines?: ShopifyTaxLine[];
}

/**
 * A Shopify order webhook body (the REST order resource, as orders/create, updated, paid and
 * cancelled deliver it): the fields this system reads and a few it ignores. Prices are
 * tax-exclusive (`taxes_included: false`); see pricing.ts for how the totals relate.
 */
export interface ShopifyOrderPayload {
  id: number;
  name: string;
  email: string;
  /** Shopify keeps the order's SMS phone in E.164, or null; the address phone is free text. */
  phone: string | null;
  currency: string;
  customer_locale: string;
  taxes_included: boolean;
  total_line_items_price: string;
  total_discounts: string;
  subtotal_price: string;
  total_tax: string;
  total_shipping_price_set: ShopifyMoneySet;
  total_price: string;
  tax_lines: ShopifyTaxLine[];
  discount_codes: { code: string; amount: string; type: 'fixed_amount' | 'percentage' }[];
  shipping_lines: { title: string; code: string; price: string }[];
  financial_status: FinancialStatus;
  payment_gateway_names: string[];
  tags: string;
  note: string | null;
  note_attributes: { name: string; value: string }[];
  created_at: string;
  updated_at: string;
  processed_at: string;
  cancelled_at: string | null;
  cancel_reason: CancelReason | null;
  customer: { first_name: string; last_name: string };
  line_items: ShopifyLineItem[];
  shipping_address: { first_name: string; last_name: string; address1: string; city: string; province: string; province_code: string; zip: string; country_code: string; phone: string | null };
}

export interface DemoBrand {
  readonly id: string;
  readonly storefrontDomain: string;
  readonly country: 'IN' | 'ID' | 'MY';
  readonly currency: 'INR' | 'IDR' | 'MYR';
}

interface Place {
  readonly city: string;
  readonly province: string;
  readonly provinceCode: string;
  readonly zip: string;
  readonly street: string;
}

/** Real postal codes of real places, so addresses look like the orders ops will see. */
const PLACES: Record<DemoBrand['country'], readonly Place[]> = {
  IN: [
    { city: 'New Delhi', province: 'Delhi', provinceCode: 'DL', zip: '110001', street: '14 Janpath' },
    { city: 'Mumbai', province: 'Maharashtra', provinceCode: 'MH', zip: '400001', street: '22 Shahid Bhagat Singh Road' },
    { city: 'Bengaluru', province: 'Karnataka', provinceCode: 'KA', zip: '560001', street: '5 MG Road' },
    { city: 'Chennai', province: 'Tamil Nadu', provinceCode: 'TN', zip: '600001', street: '9 Rajaji Salai' },
    { city: 'Jaipur', province: 'Rajasthan', provinceCode: 'RJ', zip: '302001', street: '31 MI Road' },
  ],
  ID: [
    { city: 'Jakarta Pusat', province: 'DKI Jakarta', provinceCode: 'JK', zip: '10110', street: 'Jl. Medan Merdeka Barat No. 12' },
    { city: 'Bandung', province: 'Jawa Barat', provinceCode: 'JB', zip: '40111', street: 'Jl. Asia Afrika No. 8' },
    { city: 'Surabaya', province: 'Jawa Timur', provinceCode: 'JI', zip: '60119', street: 'Jl. Tunjungan No. 45' },
  ],
  MY: [
    { city: 'Kuala Lumpur', province: 'Wilayah Persekutuan', provinceCode: 'KUL', zip: '50450', street: '18 Jalan Ampang' },
    { city: 'George Town', province: 'Pulau Pinang', provinceCode: 'PNG', zip: '10200', street: '7 Lebuh Pantai' },
    { city: 'Johor Bahru', province: 'Johor', provinceCode: 'JHR', zip: '80000', street: '3 Jalan Wong Ah Fook' },
  ],
};

interface Person {
  readonly firstName: string;
  readonly lastName: string;
  /** The same number three ways: E.164, as dialled at home, and international with spaces. */
  readonly phones: readonly [e164: string, national: string, international: string];
}

const PEOPLE: Record<DemoBrand['country'], readonly Person[]> = {
  IN: [
    { firstName: 'Aarav', lastName: 'Sharma', phones: ['+919812345670', '098123 45670', '+91 98123 45670'] },
    { firstName: 'Priya', lastName: 'Iyer', phones: ['+919876543210', '98765 43210', '+91 98765 43210'] },
    { firstName: 'Kabir', lastName: 'Mehta', phones: ['+919900112233', '099001 12233', '+91-99001-12233'] },
  ],
  ID: [
    { firstName: 'Putri', lastName: 'Wulandari', phones: ['+6281234567890', '0812-3456-7890', '+62 812-3456-7890'] },
    { firstName: 'Budi', lastName: 'Santoso', phones: ['+6281398765432', '081398765432', '+62 813 9876 5432'] },
  ],
  MY: [
    { firstName: 'Nur', lastName: 'Aisyah', phones: ['+60123456789', '012-345 6789', '+60 12-345 6789'] },
    { firstName: 'Wei', lastName: 'Ling Tan', phones: ['+60198765432', '019-876 5432', '+6019 876 5432'] },
  ],
};

/** Checkout languages customers really pick in each market. */
const LOCALES: Record<DemoBrand['country'], readonly string[]> = {
  IN: ['en-IN', 'hi-IN', 'en'],
  ID: ['id-ID', 'en'],
  MY: ['ms-MY', 'en-MY', 'zh-CN'],
};

/** Delivery notes as customers type them, in the checkout language, non-Latin scripts included. */
const NOTES: Record<DemoBrand['country'], readonly string[]> = {
  IN: ['Please call before delivery', 'कृपया डिलीवरी से पहले कॉल करें', 'Leave with the security guard at the gate'],
  ID: ['Tolong titip ke satpam kalau tidak ada orang', 'Kirim sebelum jam 5 sore ya'],
  MY: ['Sila hubungi sebelum penghantaran', 'Leave at the guardhouse, thanks'],
};

/** The storefronts' products (lib/config/catalog.ts), without the pack-size variants kept for substitution. */
const demoProducts = (country: DemoBrand['country']) => productsOf(country).filter((product) => !product.substituteOnly);

/**
 * A fixed-amount code never exceeds the shipping fee, and orders with a code always pay shipping
 * ("codes cannot be combined with free shipping"). That keeps every total at or above the sum of
 * its line prices, which validate-order checks (it does not yet know about discounts).
 */
const SHIPPING: Record<DemoBrand['country'], { title: string; code: string; minor: number; coupon: string; couponMinor: number }> = {
  IN: { title: 'Standard (Delhivery)', code: 'STANDARD', minor: 9_900, coupon: 'FESTIVE50', couponMinor: 5_000 },
  ID: { title: 'JNE REG', code: 'JNE-REG', minor: 1_500_000, coupon: 'HEMAT10RB', couponMinor: 1_000_000 },
  MY: { title: 'Pos Laju', code: 'POSLAJU', minor: 800, coupon: 'JIMAT5', couponMinor: 500 },
};

export interface DemoOrder {
  readonly brand: DemoBrand;
  readonly payload: ShopifyOrderPayload;
  /** The state the order must reach: every tenth order ships to a postal code of the wrong shape. */
  readonly expectedStatus: 'ACCEPTED' | 'REJECTED';
}

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

function moneySet(minor: number, currency: string): ShopifyMoneySet {
  const money = { amount: formatMinor(minor), currency_code: currency };
  return { shop_money: money, presentment_money: { ...money } };
}

/** Order-level tax lines: the line taxes summed per title and rate, as Shopify reports them. */
function orderTaxLines(priced: PricedOrder): ShopifyTaxLine[] {
  const sums = new Map<string, { title: string; basisPoints: number; minor: number }>();
  for (const tax of priced.lines.flatMap((line) => line.taxes)) {
    const key = `${tax.title}@${tax.basisPoints}`;
    const sum = sums.get(key) ?? { title: tax.title, basisPoints: tax.basisPoints, minor: 0 };
    sums.set(key, { ...sum, minor: sum.minor + tax.amountMinor });
  }
  return [...sums.values()].map((sum) => ({ title: sum.title, price: formatMinor(sum.minor), rate: rateOf(sum.basisPoints) }));
}

/**
 * Builds `count` realistic orders round-robin across `brands`: prepaid and COD, 1–3 lines each,
 * GST/PPN/SST per line, a discount code and paid shipping on some, local-format phones, notes and
 * checkout languages that vary. Deterministic for a given `startId` and `createdAt`.
 */
export function demoOrders(brands: readonly DemoBrand[], count: number, startId = Date.now() * 1000, createdAt = new Date()): DemoOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const brand = pick(brands, index);
    // Variety follows the order's position within its brand, so that with three brands round-robin
    // each brand still gets every phone format, locale, line count and discount.
    const n = Math.floor(index / brands.length);
    const place = pick(PLACES[brand.country], n);
    const person = pick(PEOPLE[brand.country], n);
    const shipping = SHIPPING[brand.country];
    const products = demoProducts(brand.country);
    const lines = Array.from({ length: 1 + (n % 3) }, (_, line) => {
      const product = pick(products, n + line);
      return { product, quantity: 1 + ((n + line) % 2), unitMinor: product.price * 100 };
    });
    const cod = index % 4 === 1;
    const discounted = n % 3 === 2;
    const rejected = index % 10 === 9;
    const priced = priceOrder(
      lines.map((line) => ({ unitMinor: line.unitMinor, quantity: line.quantity, taxRates: taxRatesFor(brand.country, line.unitMinor, place.provinceCode) })),
      discounted ? shipping.couponMinor : 0,
      discounted || cod ? shipping.minor : 0,
    );
    const at = shopTimestamp(createdAt, SHOP_UTC_OFFSET[brand.country]);
    const channel = n % 3 === 0 ? 'whatsapp' : n % 3 === 1 ? 'email' : undefined;
    return {
      brand,
      expectedStatus: rejected ? 'REJECTED' : 'ACCEPTED',
      payload: {
        id: startId + index,
        name: `#${1000 + index}`,
        email: `${person.firstName.toLowerCase()}.${index}@example.com`,
        // Many checkouts collect the phone only on the address form, so the order-level one is null.
        phone: n % 4 === 3 ? null : person.phones[0],
        currency: brand.currency,
        customer_locale: pick(LOCALES[brand.country], n),
        taxes_included: false,
        total_line_items_price: formatMinor(priced.lineItemsMinor),
        total_discounts: formatMinor(priced.discountsMinor),
        subtotal_price: formatMinor(priced.subtotalMinor),
        total_tax: formatMinor(priced.taxMinor),
        total_shipping_price_set: moneySet(priced.shippingMinor, brand.currency),
        total_price: formatMinor(priced.totalMinor),
        tax_lines: orderTaxLines(priced),
        discount_codes: discounted ? [{ code: shipping.coupon, amount: formatMinor(priced.discountsMinor), type: 'fixed_amount' }] : [],
        shipping_lines: priced.shippingMinor > 0 ? [{ title: shipping.title, code: shipping.code, price: formatMinor(priced.shippingMinor) }] : [],
        financial_status: cod ? 'pending' : 'paid',
        payment_gateway_names: cod ? ['Cash on Delivery (COD)'] : ['razorpay'],
        tags: cod ? 'cod, festival-sale' : 'festival-sale',
        note: n % 5 === 4 ? pick(NOTES[brand.country], n) : null,
        note_attributes: channel ? [{ name: 'preferred_channel', value: channel }] : [],
        created_at: at,
        updated_at: at,
        processed_at: at,
        cancelled_at: null,
        cancel_reason: null,
        customer: { first_name: person.firstName, last_name: person.lastName },
        line_items: lines.map((line, lineIndex) => {
          const pricedLine = priced.lines[lineIndex]!;
          return {
            id: startId + index * 10 + lineIndex,
            sku: line.product.sku,
            variant_id: 40000000000 + lineIndex,
            product_id: 7000000000 + lineIndex,
            title: line.product.title,
            quantity: line.quantity,
            price: formatMinor(line.unitMinor),
            total_discount: formatMinor(pricedLine.discountMinor),
            tax_lines: pricedLine.taxes.map((tax) => ({ title: tax.title, price: formatMinor(tax.amountMinor), rate: rateOf(tax.basisPoints) })),
          };
        }),
        shipping_address: {
          first_name: person.firstName,
          last_name: person.lastName,
          address1: place.street,
          city: place.city,
          province: place.province,
          province_code: place.provinceCode,
          // A 4-digit code is the classic typo that a PIN check must catch.
          zip: rejected ? place.zip.slice(0, 4) : place.zip,
          country_code: brand.country,
          // Typed by the customer: E.164, the way they dial at home, or international with spaces
          // (offset by n / 3, so that each person is seen in every format).
          phone: pick(person.phones, n + Math.floor(n / 3)),
        },
      },
    };
  });
}

/** A random numeric id in Shopify's range, for one-off test orders. */
export const randomOrderId = () => 5_000_000_000_000 + randomInt(1_000_000_000);
