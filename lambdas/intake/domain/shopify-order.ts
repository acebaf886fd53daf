import { z } from 'zod';
import { CanonicalOrderSchema, CountrySchema, CurrencySchema, type CanonicalOrder } from '#shared/canonical-order';
import { OrderPayloadInvalidError, type FieldProblem } from './errors.ts';

/** The part of Shopify's REST order resource (orders/create) this system reads. */
const ShopifyOrderSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: CurrencySchema,
  total_price: z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a decimal amount such as "1299.00"'),
  payment_gateway_names: z.array(z.string()),
  tags: z.string().default(''),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
  customer: z.object({ first_name: z.string().nullish(), last_name: z.string().nullish() }).nullish(),
  line_items: z
    .array(
      z.object({
        sku: z.string().min(1, 'every line item needs a SKU'),
        variant_id: z.number().int(),
        quantity: z.number().int().positive(),
        price: z.string().regex(/^\d+(\.\d{1,2})?$/),
      }),
    )
    .min(1, 'an order needs at least one line item'),
  shipping_address: z.object({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    address1: z.string().min(1),
    city: z.string().min(1),
    province: z.string().nullish(),
    zip: z.string().min(1),
    country_code: CountrySchema,
  }),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrderSchema>;

/** Gateways Shopify reports for cash on delivery; every other gateway means the order is prepaid. */
const COD_GATEWAYS = new Set(['cash on delivery (cod)', 'cash on delivery', 'cod']);

/** "1299.50" → 129950 without floating-point rounding. */
export function decimalToMinorUnits(amount: string): number {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
}

/** Maps a Shopify order payload to the canonical order, or throws OrderPayloadInvalidError. */
export function mapShopifyOrder(brand: string, payload: unknown): CanonicalOrder {
  const parsed = ShopifyOrderSchema.safeParse(payload);
  if (!parsed.success) throw new OrderPayloadInvalidError(toFieldProblems(parsed.error));
  const order = parsed.data;
  const address = order.shipping_address;
  const customerName =
    [order.customer?.first_name ?? address.first_name, order.customer?.last_name ?? address.last_name]
      .filter(Boolean)
      .join(' ') || order.name;

  const canonical = CanonicalOrderSchema.safeParse({
    schemaVersion: 1,
    brand,
    orderId: String(order.id),
    orderNumber: order.name,
    currency: order.currency,
    totalMinor: decimalToMinorUnits(order.total_price),
    paymentMethod: order.payment_gateway_names.some((name) => COD_GATEWAYS.has(name.toLowerCase())) ? 'cod' : 'prepaid',
    lines: order.line_items.map((line) => ({
      sku: line.sku,
      variantId: String(line.variant_id),
      quantity: line.quantity,
      unitPriceMinor: decimalToMinorUnits(line.price),
    })),
    customer: { name: customerName, email: order.email ?? undefined, phone: order.phone ?? undefined },
    shippingAddress: {
      line1: address.address1,
      city: address.city,
      province: address.province ?? undefined,
      postalCode: address.zip.trim(),
      country: address.country_code,
    },
    tags: order.tags.split(',').map((tag) => tag.trim()).filter(Boolean),
    createdAt: order.created_at,
    updatedAt: order.updated_at,
  });
  if (!canonical.success) throw new OrderPayloadInvalidError(toFieldProblems(canonical.error));
  return canonical.data;
}
