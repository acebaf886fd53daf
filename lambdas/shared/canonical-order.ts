import { z } from 'zod';

/**
 * The canonical order: the one shape every context after intake reads, whatever storefront or
 * gateway the order came from. Money is integer minor units; a currency travels with every amount.
 *
 * Version 1. A breaking change gets a new `schemaVersion` and both are accepted during a rollout.
 */
export const CurrencySchema = z.enum(['INR', 'IDR', 'MYR']);
export type Currency = z.infer<typeof CurrencySchema>;

export const CountrySchema = z.enum(['IN', 'ID', 'MY']);
export type Country = z.infer<typeof CountrySchema>;

const MinorUnitsSchema = z.number().int().nonnegative();

export const OrderLineSchema = z.object({
  sku: z.string().min(1),
  variantId: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPriceMinor: MinorUnitsSchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const PaymentMethodSchema = z.enum(['prepaid', 'cod']);
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

export const CanonicalOrderSchema = z.object({
  schemaVersion: z.literal(1),
  brand: z.string().min(1),
  orderId: z.string().min(1),
  orderNumber: z.string().min(1),
  currency: CurrencySchema,
  totalMinor: MinorUnitsSchema,
  paymentMethod: PaymentMethodSchema,
  lines: z.array(OrderLineSchema).min(1),
  customer: z.object({
    name: z.string().min(1),
    email: z.email().optional(),
    phone: z.string().optional(),
  }),
  shippingAddress: z.object({
    line1: z.string().min(1),
    city: z.string().min(1),
    province: z.string().optional(),
    postalCode: z.string().min(1),
    country: CountrySchema,
  }),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;

/** Number of minor units in one major unit, per ISO 4217. */
export const MINOR_UNITS_PER_MAJOR: Record<Currency, number> = { INR: 100, IDR: 100, MYR: 100 };
