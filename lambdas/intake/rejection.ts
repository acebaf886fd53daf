import type { PublishableEvent } from '#shared/event-publisher';
import type { AcceptedDelivery, Reply } from './webhook-intake.ts';
import type { FieldProblem } from './domain/errors.ts';

/** The order id a payload claims, when it claims a readable one; rejections are filed under it. */
function claimedOrderId(payload: unknown, deliveryId: string): string {
  const id = payload && typeof payload === 'object' ? (payload as { id?: unknown }).id : undefined;
  return (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) || (typeof id === 'string' && /^\d{1,20}$/.test(id)) ? String(id) : `unknown-${deliveryId}`;
}

/**
 * A delivery that is JSON but not something we can process: answered 200 so the sender stops
 * retrying a payload that will never change, and published as `Order Rejected` with field-level
 * reasons, which the orders context files where ops can see it. The raw body is already archived.
 */
export function rejectDelivery(delivery: AcceptedDelivery, problems: readonly FieldProblem[], orderId = claimedOrderId(delivery.payload, delivery.deliveryId)): { events: PublishableEvent[]; reply: Reply } {
  return {
    events: [
      {
        detailType: 'Order Rejected',
        detail: {
          brand: delivery.brand,
          orderId,
          occurredAt: delivery.receivedAt.toISOString(),
          version: 0,
          correlationId: delivery.deliveryId,
          stage: 'intake',
          archiveKey: delivery.archiveKey,
          reasons: [...problems],
        },
      },
    ],
    reply: { statusCode: 200, body: { accepted: false, rejected: true, problems, archiveKey: delivery.archiveKey } },
  };
}
