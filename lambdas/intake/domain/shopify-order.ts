import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import {
  CanonicalOrderSchema,
  ChannelSchema,
  CountrySchema,
  CurrencySchema,
  FinancialStatusSchema,
  LanguageSchema,
  type CanonicalOrder,
  type Country,
  type Language,
} from '#shared/canonical-order';
import { normalizePostalCode, postalCodeProblem } from '#shared/postal/postal-codes';
import { OrderPayloadInvalidError, type FieldProblem } from './errors.ts';

/**
 * Shopify's REST order resource as orders/create, orders/updated, orders/paid and orders/cancelled
 * send it (each carries the whole order), reduced to the fields this system reads. Everything
 * Shopify documents as nullable is `.nullish()`, so a null is a missing value, never a crash.
 */
const DECIMAL = /^\d{1,13}(\.\d{1,2})?$/; // 13 digits keep the minor-unit integer exact in a double
const Amount = z.string().regex(DECIMAL, 'must be a decimal amount such as "1299.00"');
const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with an offset' });
const oneOf = <const T extends readonly string[]>(values: T) =>
  z.enum(values, { error: (issue) => `${JSON.stringify(issue.input) ?? 'nothing'} is not one of ${values.join(', ')}` });
const Name = { first_name: z.string().nullish(), last_name: z.string().nullish(), name: z.string().nullish() };

const ShopifyLineItemSchema = z.object({
  sku: z.string({ error: 'every line item needs a SKU' }).trim().min(1, 'every line item needs a SKU'),
  variant_id: z.number({ error: 'every line item needs a variant (custom items cannot be fulfilled)' }).int().positive(),
  product_id: z.number().int().nullish(),
  title: z.string().nullish(),
  quantity: z.number({ error: 'must be a whole number of at least 1' }).int('must be a whole number of at least 1').positive('must be a whole number of at least 1'),
  price: Amount,
  total_discount: Amount.nullish(),
  tax_lines: z.array(z.object({ price: Amount })).nullish(),
});

const ShopifyOrderSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: oneOf(CurrencySchema.options),
  total_price: Amount,
  subtotal_price: Amount,
  total_tax: Amount.nullish(),
  total_discounts: Amount.nullish(),
  total_shipping_price_set: z.object({ shop_money: z.object({ amount: Amount }) }).nullish(),
  financial_status: oneOf(FinancialStatusSchema.options),
  payment_gateway_names: z.array(z.string()).nullish(),
  tags: z.string().nullish(),
  note: z.string().nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullish() })).nullish(),
  customer_locale: z.string().nullish(),
  created_at: Timestamp,
  updated_at: Timestamp,
  processed_at: Timestamp.nullish(),
  cancelled_at: Timestamp.nullish(),
  cancel_reason: z.string().nullish(),
  customer: z.object({ ...Name, email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  billing_address: z.object(Name).nullish(),
  line_items: z.array(ShopifyLineItemSchema).min(1, 'an order needs at least one line item'),
  shipping_address: z.object(
    {
      ...Name,
      address1: z.string().trim().min(1, 'the street address is empty'),
      address2: z.string().nullish(),
      city: z.string().trim().min(1, 'the city is empty'),
      province: z.string().nullish(),
      zip: z.string().trim().min(1, 'the postal code is empty'),
      country_code: oneOf(CountrySchema.options),
      phone: z.string().nullish(),
    },
    { error: 'an order needs a shipping address' },
  ),
});
type ShopifyOrder = z.infer<typeof ShopifyOrderSchema>;

/** What mapping produced: the order, and what was dropped from it on the way (never a reason to reject). */
export interface ShopifyOrderMapping {
  readonly order: CanonicalOrder;
  readonly warnings: FieldProblem[];
}

/** Gateways Shopify reports for cash on delivery; every other gateway means the order is prepaid. */
const COD_GATEWAYS = new Set(['cash on delivery (cod)', 'cash on delivery', 'cod']);

/** Language names a checkout form may offer instead of codes; "in" is the retired code for Indonesian. */
const LANGUAGE_ALIASES: Record<string, Language> = { english: 'en', hindi: 'hi', indonesian: 'id', in: 'id', malay: 'ms' };

/** "1299.50" → 129950 without floating-point rounding (every supported currency has 2 minor digits). */
export function decimalToMinorUnits(amount: string): number {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const minor = (amount: string | null | undefined) => (amount ? decimalToMinorUnits(amount) : 0);
const present = (value: string | null | undefined) => (value?.trim() ? value.trim() : undefined);
const fullName = (person: { first_name?: string | null; last_name?: string | null; name?: string | null } | null | undefined) =>
  present([person?.first_name, person?.last_name].filter(Boolean).join(' ')) ?? present(person?.name);

function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
}

/** The postal-code check needs only zip and country, so it runs even when other fields are broken. */
function postalProblems(payload: unknown): FieldProblem[] {
  const parsed = z.object({ shipping_address: z.object({ zip: z.string(), country_code: CountrySchema }) }).safeParse(payload);
  if (!parsed.success) return []; // the order schema already reports these fields
  const { zip, country_code: country } = parsed.data.shipping_address;
  const zipProblem = postalCodeProblem(country, normalizePostalCode(zip));
  return zipProblem ? [{ field: 'shipping_address.zip', message: zipProblem }] : [];
}

/** E.164 for a phone written in local format, or a warning: a bad phone must not cost the sale. */
function toE164(field: string, raw: string | null | undefined, country: Country, warnings: FieldProblem[]): string | undefined {
  const written = present(raw);
  if (!written) return undefined;
  const phone = parsePhoneNumberFromString(written, country);
  if (phone?.isValid()) return phone.number;
  warnings.push({ field, message: `"${written}" is not a valid phone number for ${country}; it was left out` });
  return undefined;
}

function toLanguage(raw: string): Language | undefined {
  const text = raw.trim().toLowerCase();
  const candidate = LANGUAGE_ALIASES[text] ?? LANGUAGE_ALIASES[text.split(/[-_]/)[0] ?? ''] ?? text.split(/[-_]/)[0];
  const parsed = LanguageSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** Customer preferences from checkout note attributes, which win over the storefront locale. */
function preferences(order: ShopifyOrder, attributes: Record<string, string>, warnings: FieldProblem[]) {
  const byName = new Map(Object.entries(attributes).map(([name, value]) => [name.toLowerCase(), value]));
  const languageAttribute = present(byName.get('language'));
  let preferredLanguage: Language | undefined;
  if (languageAttribute) {
    preferredLanguage = toLanguage(languageAttribute);
    if (!preferredLanguage) warnings.push({ field: 'note_attributes.language', message: `"${languageAttribute}" is not a language messages are sent in (${LanguageSchema.options.join(', ')})` });
  }
  preferredLanguage ??= order.customer_locale ? toLanguage(order.customer_locale) : undefined;

  const channelAttribute = present(byName.get('preferred_channel'));
  const channel = ChannelSchema.safeParse(channelAttribute?.toLowerCase());
  if (channelAttribute && !channel.success) {
    warnings.push({ field: 'note_attributes.preferred_channel', message: `"${channelAttribute}" is not a channel messages are sent on (${ChannelSchema.options.join(', ')})` });
  }
  return { preferredLanguage, preferredChannel: channel.success ? channel.data : undefined };
}

function noteAttributesOf(order: ShopifyOrder): Record<string, string> {
  const entries = (order.note_attributes ?? []).filter((attribute) => attribute.name !== '');
  return Object.fromEntries(entries.map((attribute) => [attribute.name, attribute.value == null ? '' : String(attribute.value)]));
}

function emailOf(order: ShopifyOrder, warnings: FieldProblem[]): string | undefined {
  const email = present(order.email) ?? present(order.customer?.email) ?? present(order.contact_email);
  if (!email || z.email().safeParse(email).success) return email;
  warnings.push({ field: 'email', message: `"${email}" is not a valid email address; it was left out` });
  return undefined;
}

/**
 * Maps a Shopify order webhook payload to the canonical order. Throws OrderPayloadInvalidError
 * naming every field (in Shopify's own names) that makes the order unacceptable; problems that
 * only lose a contact detail come back as warnings instead.
 */
export function mapShopifyOrder(brand: string, payload: unknown): ShopifyOrderMapping {
  const parsed = ShopifyOrderSchema.safeParse(payload);
  const problems = [...(parsed.success ? [] : toFieldProblems(parsed.error)), ...postalProblems(payload)];
  const customerName = parsed.success ? (fullName(parsed.data.customer) ?? fullName(parsed.data.shipping_address) ?? fullName(parsed.data.billing_address)) : '';
  if (parsed.success && !customerName) problems.push({ field: 'customer', message: 'no customer name in customer, shipping_address or billing_address' });
  if (!parsed.success || problems.length > 0) throw new OrderPayloadInvalidError(problems);

  const order = parsed.data;
  const address = order.shipping_address;
  const country = address.country_code;
  const warnings: FieldProblem[] = [];
  const noteAttributes = noteAttributesOf(order);
  const shippingPhone = toE164('shipping_address.phone', address.phone, country, warnings);

  const canonical = CanonicalOrderSchema.safeParse({
    schemaVersion: 1,
    brand,
    orderId: String(order.id),
    orderNumber: order.name,
    currency: order.currency,
    totalMinor: decimalToMinorUnits(order.total_price),
    subtotalMinor: decimalToMinorUnits(order.subtotal_price),
    taxMinor: minor(order.total_tax),
    discountMinor: minor(order.total_discounts),
    shippingMinor: minor(order.total_shipping_price_set?.shop_money.amount),
    financialStatus: order.financial_status,
    paymentMethod: (order.payment_gateway_names ?? []).some((name) => COD_GATEWAYS.has(name.trim().toLowerCase())) ? 'cod' : 'prepaid',
    lines: order.line_items.map((line) => ({
      sku: line.sku,
      variantId: String(line.variant_id),
      productId: line.product_id == null ? undefined : String(line.product_id),
      title: present(line.title),
      quantity: line.quantity,
      unitPriceMinor: decimalToMinorUnits(line.price),
      taxMinor: (line.tax_lines ?? []).reduce((sum, tax) => sum + decimalToMinorUnits(tax.price), 0),
      discountMinor: minor(line.total_discount),
    })),
    customer: {
      name: customerName,
      email: emailOf(order, warnings),
      phone: toE164('phone', order.phone, country, warnings) ?? toE164('customer.phone', order.customer?.phone, country, warnings) ?? shippingPhone,
      ...preferences(order, noteAttributes, warnings),
    },
    shippingAddress: {
      name: fullName(address),
      line1: address.address1,
      line2: present(address.address2),
      city: address.city,
      province: present(address.province),
      postalCode: normalizePostalCode(address.zip),
      country,
      phone: shippingPhone,
    },
    tags: [...new Set((order.tags ?? '').split(',').map((tag) => tag.trim()).filter(Boolean))],
    note: present(order.note),
    noteAttributes,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    processedAt: order.processed_at ?? undefined,
    cancelledAt: order.cancelled_at ?? undefined,
    cancelReason: present(order.cancel_reason),
  });
  // Reached only if this mapping and the canonical schema disagree; the canonical path is reported.
  if (!canonical.success) throw new OrderPayloadInvalidError(toFieldProblems(canonical.error));
  return { order: canonical.data, warnings };
}
