import { randomInt } from 'node:crypto';

/** A Shopify orders/create payload (REST order resource), the fields this system reads and a few it ignores. */
export interface ShopifyOrderPayload {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  currency: string;
  total_price: string;
  subtotal_price: string;
  financial_status: string;
  payment_gateway_names: string[];
  tags: string;
  note_attributes: { name: string; value: string }[];
  created_at: string;
  updated_at: string;
  customer: { first_name: string; last_name: string };
  line_items: { id: number; sku: string; variant_id: number; product_id: number; title: string; quantity: number; price: string }[];
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

const NAMES: Record<DemoBrand['country'], readonly [string, string, string][]> = {
  IN: [['Aarav', 'Sharma', '+919812345670'], ['Priya', 'Iyer', '+919876543210'], ['Kabir', 'Mehta', '+919900112233']],
  ID: [['Putri', 'Wulandari', '+6281234567890'], ['Budi', 'Santoso', '+6281398765432']],
  MY: [['Nur', 'Aisyah', '+60123456789'], ['Wei', 'Ling Tan', '+60198765432']],
};

const CATALOG: Record<DemoBrand['country'], readonly { sku: string; title: string; price: number }[]> = {
  IN: [
    { sku: 'ST-KURTA-IND-M', title: 'Indigo block-print kurta (M)', price: 1899 },
    { sku: 'ST-DUPATTA-SLK', title: 'Banarasi silk dupatta', price: 2499 },
    { sku: 'ST-JUTTI-38', title: 'Embroidered jutti (38)', price: 1299 },
  ],
  ID: [
    { sku: 'KG-SERUM-30ML', title: 'Kopi brightening serum 30 ml', price: 189000 },
    { sku: 'KG-SCRUB-100G', title: 'Coffee body scrub 100 g', price: 99000 },
  ],
  MY: [
    { sku: 'RL-CUSHION-BTK', title: 'Batik cushion cover', price: 69 },
    { sku: 'RL-RATTAN-LAMP', title: 'Rattan pendant lamp', price: 289 },
  ],
};

export interface DemoOrder {
  readonly brand: DemoBrand;
  readonly payload: ShopifyOrderPayload;
  /** The state the order must reach: every tenth order ships to a postal code of the wrong shape. */
  readonly expectedStatus: 'ACCEPTED' | 'REJECTED';
}

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;
const money = (amount: number) => amount.toFixed(2);

/** Builds `count` realistic orders round-robin across `brands`: prepaid and COD, 1–3 lines each. */
export function demoOrders(brands: readonly DemoBrand[], count: number, startId = Date.now() * 1000): DemoOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const brand = pick(brands, index);
    const place = pick(PLACES[brand.country], index);
    const [firstName, lastName, phone] = pick(NAMES[brand.country], index);
    const products = CATALOG[brand.country];
    const lines = Array.from({ length: 1 + (index % 3) }, (_, line) => {
      const product = pick(products, index + line);
      return { id: startId + index * 10 + line, sku: product.sku, variant_id: 40000000000 + line, product_id: 7000000000 + line, title: product.title, quantity: 1 + ((index + line) % 2), price: money(product.price) };
    });
    const total = lines.reduce((sum, line) => sum + Number(line.price) * line.quantity, 0);
    const cod = index % 4 === 1;
    const rejected = index % 10 === 9;
    const now = new Date().toISOString();
    return {
      brand,
      expectedStatus: rejected ? 'REJECTED' : 'ACCEPTED',
      payload: {
        id: startId + index,
        name: `#${1000 + index}`,
        email: `${firstName.toLowerCase()}.${index}@example.com`,
        phone,
        currency: brand.currency,
        total_price: money(total),
        subtotal_price: money(total),
        financial_status: cod ? 'pending' : 'paid',
        payment_gateway_names: cod ? ['Cash on Delivery (COD)'] : ['razorpay'],
        tags: cod ? 'cod, festival-sale' : 'festival-sale',
        note_attributes: [],
        created_at: now,
        updated_at: now,
        customer: { first_name: firstName, last_name: lastName },
        line_items: lines,
        shipping_address: {
          first_name: firstName,
          last_name: lastName,
          address1: place.street,
          city: place.city,
          province: place.province,
          province_code: place.provinceCode,
          // A 4-digit code is the classic typo that a PIN check must catch.
          zip: rejected ? place.zip.slice(0, 4) : place.zip,
          country_code: brand.country,
          phone,
        },
      },
    };
  });
}

/** A random numeric id in Shopify's range, for one-off test orders. */
export const randomOrderId = () => 5_000_000_000_000 + randomInt(1_000_000_000);
