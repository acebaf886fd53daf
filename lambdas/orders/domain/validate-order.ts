import type { CanonicalOrder } from '#shared/canonical-order';

export interface ValidationReason {
  readonly field: string;
  readonly message: string;
}

export type OrderValidation =
  | { readonly valid: true; readonly reasons: []; readonly validatedAt: string }
  | { readonly valid: false; readonly reasons: ValidationReason[]; readonly validatedAt: string };

/** Postal-code shape per country: India uses 6-digit PINs, Indonesia and Malaysia 5 digits. */
const POSTAL_CODE_SHAPE: Record<CanonicalOrder['shippingAddress']['country'], RegExp> = {
  IN: /^[1-9]\d{5}$/,
  ID: /^\d{5}$/,
  MY: /^\d{5}$/,
};

/** Which currency each shipping country settles in; a mismatch means a misconfigured storefront. */
const COUNTRY_CURRENCY: Record<CanonicalOrder['shippingAddress']['country'], CanonicalOrder['currency']> = {
  IN: 'INR',
  ID: 'IDR',
  MY: 'MYR',
};

/**
 * Business rules an order must pass before stock is touched. Returns every failing rule at once,
 * so ops sees the whole problem in one rejection rather than one per retry. `validatedAt` dates
 * the outcome: the workflow publishes it as the event's occurredAt.
 */
export function validateOrder(order: CanonicalOrder, now: Date): OrderValidation {
  const reasons: ValidationReason[] = [];
  const { country, postalCode } = order.shippingAddress;
  if (!POSTAL_CODE_SHAPE[country].test(postalCode)) {
    reasons.push({ field: 'shippingAddress.postalCode', message: `"${postalCode}" is not a valid ${country} postal code` });
  }
  if (COUNTRY_CURRENCY[country] !== order.currency) {
    reasons.push({ field: 'currency', message: `${order.currency} is not the currency of ${country} (${COUNTRY_CURRENCY[country]})` });
  }
  const linesTotal = order.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  if (linesTotal > order.totalMinor) {
    reasons.push({ field: 'totalMinor', message: `order total ${order.totalMinor} is below the sum of its lines ${linesTotal}` });
  }
  const validatedAt = now.toISOString();
  return reasons.length === 0 ? { valid: true, reasons: [], validatedAt } : { valid: false, reasons, validatedAt };
}
