import type { CanonicalOrder } from '#shared/canonical-order';
import { postalCodeProblem } from '#shared/postal/postal-codes';

export interface ValidationReason {
  readonly field: string;
  readonly message: string;
}

export type OrderValidation =
  | { readonly valid: true; readonly reasons: []; readonly validatedAt: string }
  | { readonly valid: false; readonly reasons: ValidationReason[]; readonly validatedAt: string };


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
  const postalProblem = postalCodeProblem(country, postalCode);
  if (postalProblem) reasons.push({ field: 'shippingAddress.postalCode', message: postalProblem });
  if (COUNTRY_CURRENCY[country] !== order.currency) {
    reasons.push({ field: 'currency', message: `${order.currency} is not the currency of ${country} (${COUNTRY_CURRENCY[country]})` });
  }
  // Shopify's total_discounts already includes line discounts; tax may be included in prices, so
  // the only safe floor is what the lines cost after every discount.
  const linesAfterDiscounts = order.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0) - order.discountMinor;
  if (linesAfterDiscounts > order.totalMinor) {
    reasons.push({ field: 'totalMinor', message: `order total ${order.totalMinor} is below what its lines cost after discounts (${linesAfterDiscounts})` });
  }
  const validatedAt = now.toISOString();
  return reasons.length === 0 ? { valid: true, reasons: [], validatedAt } : { valid: false, reasons, validatedAt };
}
