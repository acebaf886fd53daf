import { demoOrders, type CancelReason, type ShopifyOrderPayload } from './demo-orders.ts';
import { offsetOf, shopTimestamp } from './shop-time.ts';

/**
 * Pure builders for the topics that follow orders/create. Shopify sends the whole order resource
 * on every topic, so each builder returns a complete new payload (the input is left untouched)
 * with `updated_at` moved forward, in the shop's own offset.
 */

/** Fields an orders/updated change may set; identity and timestamps are the builders' business. */
export type OrderChanges = Partial<Omit<ShopifyOrderPayload, 'id' | 'created_at' | 'updated_at' | 'processed_at'>>;

/**
 * `at`, or one second after the current `updated_at`. Refuses to go back or stand still: a
 * later event with an earlier `updated_at` would hide exactly the out-of-order bugs the
 * simulator exists to find. (Out-of-order *delivery* is the sender's job, via triggeredAt.)
 */
function nextUpdatedAt(payload: ShopifyOrderPayload, at: Date | undefined): string {
  const previous = Date.parse(payload.updated_at);
  const next = at ?? new Date(previous + 1000);
  if (Math.floor(next.getTime() / 1000) * 1000 <= previous) {
    throw new RangeError(`updated_at must move forward: ${next.toISOString()} is not after ${payload.updated_at} (Shopify keeps whole seconds)`);
  }
  return shopTimestamp(next, offsetOf(payload.updated_at));
}

/** orders/updated: the order with `changes` applied as they are. Totals are not recomputed, so change lines through a new demo order rather than here. */
export function updatedOf(payload: ShopifyOrderPayload, changes: OrderChanges = {}, at?: Date): ShopifyOrderPayload {
  return { ...structuredClone(payload), ...structuredClone(changes), updated_at: nextUpdatedAt(payload, at) };
}

/** orders/paid: a COD order whose cash was collected, or a prepaid one captured after checkout. */
export function paidOf(payload: ShopifyOrderPayload, at?: Date): ShopifyOrderPayload {
  if (payload.cancelled_at) throw new Error(`order ${payload.id} was cancelled at ${payload.cancelled_at}; Shopify does not mark it paid`);
  return { ...structuredClone(payload), financial_status: 'paid', updated_at: nextUpdatedAt(payload, at) };
}

/**
 * orders/cancelled: money taken is refunded, money not yet taken (COD, pending, authorized) is
 * voided, which is what Shopify's cancel-with-refund does.
 */
export function cancelledOf(payload: ShopifyOrderPayload, reason: CancelReason = 'customer', at?: Date): ShopifyOrderPayload {
  if (payload.cancelled_at) throw new Error(`order ${payload.id} is already cancelled`);
  const updatedAt = nextUpdatedAt(payload, at);
  const moneyTaken = payload.financial_status === 'paid' || payload.financial_status === 'partially_paid' || payload.financial_status === 'partially_refunded';
  return {
    ...structuredClone(payload),
    cancelled_at: updatedAt,
    cancel_reason: reason,
    financial_status: moneyTaken ? 'refunded' : 'voided',
    updated_at: updatedAt,
  };
}

export interface MalformedBody {
  readonly name: string;
  readonly body: string;
  /**
   * What is wrong, not which layer must notice: `invalid_json` bodies do not parse; `invalid_order`
   * bodies parse but are no order this system can fulfil (intake may refuse them, or validation
   * may reject them after intake accepted them).
   */
  readonly expected: 'invalid_json' | 'invalid_order';
}

/**
 * Impossible postal codes: Indian PINs start with 1–9, Indonesian codes run 10110–99974 and
 * Malaysian ones 01000–98859, so all-zero codes exist nowhere (though they have the right shape).
 */
const IMPOSSIBLE_POSTAL_CODE: Record<string, string> = { IN: '000000', ID: '00000', MY: '00000' };

/**
 * Above EventBridge's 256 KB entry limit, below Lambda's 6 MB request limit: the body reaches the
 * function, and a field nobody bounds fails only when the order is published.
 */
export const HUGE_FIELD_LENGTH = 300_000;

const defaultOrder = () =>
  demoOrders([{ id: 'saffron-threads', storefrontDomain: 'saffron-threads.myshopify.com', country: 'IN', currency: 'INR' }], 1)[0]!.payload;

/** Broken bodies, built from a good `order` so that each breaks exactly one thing. */
export function malformedBodies(order: ShopifyOrderPayload = defaultOrder()): MalformedBody[] {
  const json = JSON.stringify(order);
  const withOrder = (name: string, broken: object): MalformedBody => ({ name, body: JSON.stringify(broken), expected: 'invalid_order' });
  return [
    { name: 'truncated JSON', body: json.slice(0, Math.floor(json.length / 2)), expected: 'invalid_json' },
    { name: 'not JSON at all', body: `id=${order.id}&total_price=${order.total_price}`, expected: 'invalid_json' },
    { name: 'empty body', body: '', expected: 'invalid_json' },
    { name: 'JSON array', body: JSON.stringify([order]), expected: 'invalid_order' },
    withOrder('no line items', { ...order, line_items: [] }),
    withOrder(`impossible postal code (${IMPOSSIBLE_POSTAL_CODE[order.shipping_address.country_code] ?? '000000'})`, {
      ...order,
      shipping_address: { ...order.shipping_address, zip: IMPOSSIBLE_POSTAL_CODE[order.shipping_address.country_code] ?? '000000' },
    }),
    withOrder('unknown currency (XYZ)', { ...order, currency: 'XYZ' }),
    // Shopify sends null for a custom item or a variant nobody gave a SKU.
    withOrder('line without SKU', { ...order, line_items: order.line_items.map((line, index) => (index === 0 ? { ...line, sku: null } : line)) }),
    withOrder(`huge string field (${HUGE_FIELD_LENGTH} character address)`, {
      ...order,
      shipping_address: { ...order.shipping_address, address1: 'A'.repeat(HUGE_FIELD_LENGTH) },
    }),
  ];
}
