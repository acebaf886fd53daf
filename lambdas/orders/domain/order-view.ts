import type { CanonicalOrder } from '#shared/canonical-order';

export interface StoredOrder {
  readonly brand: string;
  readonly orderId: string;
  readonly status?: string;
  readonly route?: string;
  readonly mode?: string;
  readonly order?: CanonicalOrder;
  readonly payment?: unknown;
  readonly receivedAt?: string;
  readonly cancelledAt?: string;
  readonly rejectionReasons?: unknown;
  /** Where the stock is held: warehouse, lines and any substitutions (set when accepted). */
  readonly reservation?: unknown;
  /** What no warehouse could fill (set when awaiting stock). */
  readonly shortfall?: unknown;
}

export interface TimelineEvent {
  readonly detailType: string;
  readonly occurredAt: string;
  readonly summary: Record<string, unknown>;
}

/** What ops see: everything the system knows about the order, in one answer. */
export function opsView(stored: StoredOrder, timeline: readonly TimelineEvent[], trackingPath: string) {
  return {
    brand: stored.brand,
    orderId: stored.orderId,
    status: stored.status ?? 'UNKNOWN',
    route: stored.route ?? null,
    mode: stored.mode ?? null,
    payment: stored.payment ?? null,
    rejectionReasons: stored.rejectionReasons ?? null,
    reservation: stored.reservation ?? null,
    shortfall: stored.shortfall ?? null,
    order: stored.order ?? null,
    timeline: [...timeline].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)),
    // Shipments join the timeline once fulfilment publishes them; until then the list is empty.
    shipments: [],
    trackingPath,
  };
}

/** Customer-facing wording for internal statuses; internal routing never leaks into it. */
const CUSTOMER_STATUS: Record<string, string> = {
  RECEIVED: 'Order received',
  HANDED_TO_LEGACY: 'Order received',
  ACCEPTED: 'Order confirmed',
  AWAITING_STOCK: 'Order received; we are confirming stock and will update you shortly',
  SUBMITTED: 'Order confirmed; it is being packed',
  REJECTED: 'We could not process this order; our team will contact you',
  FAILED: 'Order received',
  CANCELLED: 'Order cancelled',
};

/**
 * What a customer with the link sees: the order number, status, items and the city it ships to.
 * No email, phone, street address or payment details, because links get forwarded.
 */
export function customerView(stored: StoredOrder) {
  const order = stored.order;
  return {
    orderNumber: order?.orderNumber ?? null,
    status: CUSTOMER_STATUS[stored.status ?? 'RECEIVED'] ?? 'Order received',
    placedAt: order?.createdAt ?? null,
    items: (order?.lines ?? []).map((line) => ({ sku: line.sku, quantity: line.quantity })),
    shipsTo: order ? { city: order.shippingAddress.city, country: order.shippingAddress.country } : null,
    shipments: [],
  };
}
