import { z } from 'zod';

/**
 * The canonical order: the one shape every context after intake reads, whatever storefront or
 * gateway the order came from. Money is integer minor units and the order's `currency` applies to
 * every amount in it; phones are E.164; timestamps are the source system's, so consumers can
 * order updates by them (see `sourceVersion`).
 *
 * Version 1. A breaking change gets a new `schemaVersion` and both are accepted during a rollout.
 */
export const CurrencySchema = z.enum(['INR', 'IDR', 'MYR']);
export type Currency = z.infer<typeof CurrencySchema>;

export const CountrySchema = z.enum(['IN', 'ID', 'MY']);
export type Country = z.infer<typeof CountrySchema>;

/** Number of minor units in one major unit, per ISO 4217. */
export const MINOR_UNITS_PER_MAJOR: Record<Currency, number> = { INR: 100, IDR: 100, MYR: 100 };

const MinorUnitsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** "+" then up to 15 digits, no leading zero in the country code (ITU-T E.164). */
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+919812345670"');

const TimestampSchema = z.iso.datetime({ offset: true });

/** Shopify's financial_status values, kept verbatim so ops can match them to the Shopify admin. */
export const FinancialStatusSchema = z.enum(['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided']);
export type FinancialStatus = z.infer<typeof FinancialStatusSchema>;

export const PaymentMethodSchema = z.enum(['prepaid', 'cod']);
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

/** Languages customer messages are written in (WhatsApp template language codes). */
export const LanguageSchema = z.enum(['en', 'hi', 'id', 'ms']);
export type Language = z.infer<typeof LanguageSchema>;

export const ChannelSchema = z.enum(['whatsapp', 'email']);
export type Channel = z.infer<typeof ChannelSchema>;

export const OrderLineSchema = z.object({
  sku: z.string().min(1),
  variantId: z.string().min(1),
  productId: z.string().min(1).optional(),
  title: z.string().optional(),
  quantity: z.number().int().positive(),
  unitPriceMinor: MinorUnitsSchema,
  /** Tax on the whole line (all units), summed over its tax lines. */
  taxMinor: MinorUnitsSchema,
  /** Discount on the whole line (all units). */
  discountMinor: MinorUnitsSchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const CustomerSchema = z.object({
  name: z.string().min(1),
  email: z.email().optional(),
  phone: E164Schema.optional(),
  preferredLanguage: LanguageSchema.optional(),
  preferredChannel: ChannelSchema.optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const ShippingAddressSchema = z.object({
  name: z.string().min(1).optional(),
  line1: z.string().min(1),
  line2: z.string().min(1).optional(),
  city: z.string().min(1),
  province: z.string().min(1).optional(),
  /** Whitespace removed; whether it exists is checked at intake (lambdas/shared/postal). */
  postalCode: z.string().min(1),
  country: CountrySchema,
  phone: E164Schema.optional(),
});
export type ShippingAddress = z.infer<typeof ShippingAddressSchema>;

export const CanonicalOrderSchema = z.object({
  schemaVersion: z.literal(1),
  brand: z.string().min(1),
  orderId: z.string().min(1),
  orderNumber: z.string().min(1),
  currency: CurrencySchema,
  totalMinor: MinorUnitsSchema,
  /** Line prices after line discounts, before shipping and (for tax-exclusive shops) tax. */
  subtotalMinor: MinorUnitsSchema,
  taxMinor: MinorUnitsSchema,
  discountMinor: MinorUnitsSchema,
  shippingMinor: MinorUnitsSchema,
  financialStatus: FinancialStatusSchema,
  paymentMethod: PaymentMethodSchema,
  lines: z.array(OrderLineSchema).min(1),
  customer: CustomerSchema,
  shippingAddress: ShippingAddressSchema,
  tags: z.array(z.string()),
  note: z.string().optional(),
  /** Checkout note attributes by name; a repeated name keeps its last value, as Shopify shows it. */
  noteAttributes: z.record(z.string(), z.string()),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  processedAt: TimestampSchema.optional(),
  cancelledAt: TimestampSchema.optional(),
  cancelReason: z.string().min(1).optional(),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;

/**
 * The version consumers compare to drop stale updates: epoch ms of the source's updated_at.
 * Webhooks arrive out of order and retries replay old payloads, so a later arrival is not
 * necessarily newer; the storefront's own clock is the order to trust.
 */
export function sourceVersion(order: Pick<CanonicalOrder, 'updatedAt'>): number {
  return Date.parse(order.updatedAt);
}
