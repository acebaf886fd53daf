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

/** A shipment's milestone, as each tracking event names it. */
const SHIPMENT_STATUS_BY_EVENT: Readonly<Record<string, string>> = {
  'Shipment Dispatched': 'DISPATCHED',
  'Shipment In Transit': 'IN_TRANSIT',
  'Shipment Out For Delivery': 'OUT_FOR_DELIVERY',
  'Delivery Attempt Failed': 'DELIVERY_ATTEMPT_FAILED',
  'Return To Origin Started': 'RTO_INITIATED',
  'Order Delivered': 'DELIVERED',
  'Order Returned': 'RETURNED_TO_ORIGIN',
};

export interface ShipmentView {
  readonly shipmentId: string;
  readonly warehouseId: string | null;
  readonly status: string;
  readonly since: string;
  readonly carrier: string | null;
  readonly awb: string | null;
  readonly trackingUrl: string | null;
  readonly promisedBy: string | null;
  /** Set once the promise was missed (Shipment Delayed). */
  readonly delayed: boolean;
}

/** Each shipment's latest milestone, folded from the tracking events on the timeline (they may have arrived in any order). */
export function shipmentsFrom(timeline: readonly TimelineEvent[]): ShipmentView[] {
  const byId = new Map<string, ShipmentView>();
  const ordered = [...timeline].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  for (const event of ordered) {
    const shipmentId = typeof event.summary.shipmentId === 'string' ? event.summary.shipmentId : undefined;
    if (!shipmentId) continue;
    const text = (key: string) => (typeof event.summary[key] === 'string' ? (event.summary[key] as string) : undefined);
    const previous = byId.get(shipmentId);
    const status = SHIPMENT_STATUS_BY_EVENT[event.detailType];
    const delayed = event.detailType === 'Shipment Delayed';
    if (!status && !delayed) continue;
    byId.set(shipmentId, {
      shipmentId,
      warehouseId: text('warehouseId') ?? previous?.warehouseId ?? null,
      status: status ?? previous?.status ?? 'CREATED',
      since: status ? event.occurredAt : (previous?.since ?? event.occurredAt),
      carrier: text('carrier') ?? previous?.carrier ?? null,
      awb: text('awb') ?? previous?.awb ?? null,
      trackingUrl: text('trackingUrl') ?? previous?.trackingUrl ?? null,
      promisedBy: text('promisedBy') ?? text('dueBy') ?? previous?.promisedBy ?? null,
      delayed: delayed || (previous?.delayed ?? false),
    });
  }
  return [...byId.values()];
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
    shipments: shipmentsFrom(timeline),
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
  DELIVERED: 'Delivered',
  RESOLVED_BY_OPS: 'Our team is handling this order; they will contact you if anything changes',
  AWAITING_ADDRESS_CONFIRMATION: 'Please confirm your delivery address so we can ship your order',
  RETURNED: 'The parcel could not be delivered and is going back to the warehouse; our team will contact you',
};

/** Customer-facing wording for a shipment's milestone. */
const CUSTOMER_SHIPMENT_STATUS: Record<string, string> = {
  DISPATCHED: 'Shipped',
  IN_TRANSIT: 'On its way',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERY_ATTEMPT_FAILED: 'Delivery attempted; the courier will try again',
  RTO_INITIATED: 'Could not be delivered; returning to the warehouse',
  DELIVERED: 'Delivered',
  RESOLVED_BY_OPS: 'Our team is handling this order; they will contact you if anything changes',
  AWAITING_ADDRESS_CONFIRMATION: 'Please confirm your delivery address so we can ship your order',
  RETURNED_TO_ORIGIN: 'Returned to the warehouse',
};

/**
 * What a customer with the link sees: the order number, status, items and the city it ships to.
 * No email, phone, street address or payment details, because links get forwarded.
 */
export function customerView(stored: StoredOrder, timeline: readonly TimelineEvent[] = []) {
  const order = stored.order;
  return {
    orderNumber: order?.orderNumber ?? null,
    status: CUSTOMER_STATUS[stored.status ?? 'RECEIVED'] ?? 'Order received',
    placedAt: order?.createdAt ?? null,
    items: (order?.lines ?? []).map((line) => ({ sku: line.sku, quantity: line.quantity })),
    shipsTo: order ? { city: order.shippingAddress.city, country: order.shippingAddress.country } : null,
    // Carrier, AWB and link only: which warehouse ships it is internal.
    shipments: shipmentsFrom(timeline).map((shipment) => ({
      status: CUSTOMER_SHIPMENT_STATUS[shipment.status] ?? 'Being packed',
      carrier: shipment.carrier,
      trackingNumber: shipment.awb,
      trackingUrl: shipment.trackingUrl,
      expectedBy: shipment.promisedBy?.slice(0, 10) ?? null,
      delayed: shipment.delayed && shipment.status !== 'DELIVERED',
    })),
  };
}
