import { parseDetail, type DetailType } from '#shared/events';
import type { NotificationKind } from './message-catalog.ts';

/** The lifecycle events a customer hears about: the cases of {@link intentFor}, and what the stack's rule routes to the sender. */
export const NOTIFYING_EVENTS = [
  'Order Accepted',
  'Address Confirmation Requested',
  'Item Substituted',
  'Shipment Dispatched',
  'Shipment Out For Delivery',
  'Order Delivered',
  'Shipment Delayed',
  'Order Cancelled',
  'Order Returned',
] as const satisfies readonly DetailType[];

/**
 * What a lifecycle event asks us to tell the customer, before anyone looks up who the customer
 * is: the sender joins it with the stored order (contact details never travel on the bus).
 */
export interface NotificationIntent {
  readonly brand: string;
  readonly orderId: string;
  readonly kind: NotificationKind;
  /**
   * What makes this message unique within the order: 'order', or the shipment id, or
   * `${shipmentId}:${stage}` for a delay, or the original SKU for a substitution (an order may
   * have several lines swapped, and each deserves its own message).
   */
  readonly subject: string;
  readonly occurredAt: string;
  /** Urgent messages ignore quiet hours. */
  readonly urgent: boolean;
  /**
   * Facts from the event the message needs (not customer data): shipment { carrier, awb,
   * trackingUrl, promisedBy }, substitution { originalSku, substituteSku }, confirmation
   * { replyPath, expiresAt }, cancellation { reason }, delay { stage }, return { reason }.
   * Absent facts are left out rather than set to undefined, so the intent stores as it is.
   */
  readonly facts: Readonly<Record<string, unknown>>;
}

/**
 * Urgent: the customer must act (confirm an address), is about to (answer the door), or would be
 * misled by silence (a cancellation, a confirmation they are waiting for). The rest can wait
 * until morning.
 */
const URGENT: ReadonlySet<NotificationKind> = new Set(['order_confirmed', 'address_confirmation', 'out_for_delivery', 'order_cancelled']);

const ORDER = 'order';

function present(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function intent(
  detail: { readonly brand: string; readonly orderId: string; readonly occurredAt: string },
  kind: NotificationKind,
  subject: string,
  facts: Record<string, unknown> = {},
): NotificationIntent {
  return { brand: detail.brand, orderId: detail.orderId, kind, subject, occurredAt: detail.occurredAt, urgent: URGENT.has(kind), facts };
}

/**
 * The notification an event calls for, or undefined when it calls for none: an event we do not
 * notify about, or one in shadow mode, where the legacy process still talks to the customer.
 * A detail that fails its schema throws, so a drifting producer is caught here, not by a customer.
 */
export function intentFor(detailType: string, detail: unknown): NotificationIntent | undefined {
  switch (detailType) {
    case 'Order Accepted': {
      const accepted = parseDetail(detailType, detail);
      return accepted.mode === 'live' ? intent(accepted, 'order_confirmed', ORDER) : undefined;
    }
    case 'Address Confirmation Requested': {
      const request = parseDetail(detailType, detail);
      return intent(request, 'address_confirmation', ORDER, { confirmation: { replyPath: request.replyPath, expiresAt: request.expiresAt } });
    }
    case 'Item Substituted': {
      const substituted = parseDetail(detailType, detail);
      if (substituted.mode !== 'live') return undefined;
      const { originalSku, substituteSku } = substituted.substitution;
      return intent(substituted, 'item_substituted', originalSku, { substitution: { originalSku, substituteSku } });
    }
    case 'Shipment Dispatched': {
      const shipment = parseDetail(detailType, detail);
      return intent(shipment, 'order_dispatched', shipment.shipmentId, {
        shipment: present({ carrier: shipment.carrier, awb: shipment.awb, trackingUrl: shipment.trackingUrl, promisedBy: shipment.promisedBy }),
      });
    }
    case 'Shipment Out For Delivery': {
      const shipment = parseDetail(detailType, detail);
      return intent(shipment, 'out_for_delivery', shipment.shipmentId, {
        shipment: present({ carrier: shipment.carrier, awb: shipment.awb, trackingUrl: shipment.trackingUrl }),
      });
    }
    case 'Order Delivered': {
      const delivered = parseDetail(detailType, detail);
      return intent(delivered, 'order_delivered', delivered.shipmentId, { shipment: present({ carrier: delivered.carrier, awb: delivered.awb }) });
    }
    case 'Shipment Delayed': {
      const delayed = parseDetail(detailType, detail);
      return intent(delayed, 'order_delayed', `${delayed.shipmentId}:${delayed.stage}`, {
        // The promise that was missed is the date the customer was given.
        shipment: present({ carrier: delayed.carrier, awb: delayed.awb, trackingUrl: delayed.trackingUrl, promisedBy: delayed.dueBy }),
        delay: { stage: delayed.stage },
      });
    }
    case 'Order Cancelled': {
      const cancelled = parseDetail(detailType, detail);
      return intent(cancelled, 'order_cancelled', ORDER, { cancellation: present({ reason: cancelled.order.cancelReason }) });
    }
    case 'Order Returned': {
      const returned = parseDetail(detailType, detail);
      return intent(returned, 'order_returned', returned.shipmentId, {
        shipment: present({ carrier: returned.carrier, awb: returned.awb }),
        return: { reason: returned.reason },
      });
    }
    default:
      return undefined;
  }
}
