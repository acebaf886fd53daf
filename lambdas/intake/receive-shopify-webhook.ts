import type { DetailType } from '#shared/events';
import { SHOPIFY_ORDER_TOPICS, type ShopifyOrderTopic } from '#shared/events';
import { sourceVersion } from '#shared/canonical-order';
import { OrderPayloadInvalidError } from './domain/errors.ts';
import { mapShopifyOrder } from './domain/shopify-order.ts';
import { isValidShopifySignature } from './domain/shopify-signature.ts';
import { rejectDelivery } from './rejection.ts';
import { webhookHandler, type AcceptedDelivery } from './webhook-intake.ts';

const DETAIL_TYPE_BY_TOPIC: Record<ShopifyOrderTopic, DetailType> = {
  'orders/create': 'Order Received',
  'orders/updated': 'Order Updated',
  'orders/paid': 'Order Updated',
  'orders/cancelled': 'Order Cancelled',
};

/** Leaves room in the 256 KB event for the envelope and the other detail fields. */
const MAX_ORDER_BYTES = 200 * 1024;

const isHandledTopic = (topic: string | undefined): topic is ShopifyOrderTopic => (SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic ?? '');

function triggeredAt(header: string | undefined, fallback: Date): string {
  const parsed = header ? Date.parse(header) : NaN;
  return Number.isNaN(parsed) ? fallback.toISOString() : new Date(parsed).toISOString();
}

function decide(delivery: AcceptedDelivery) {
  const topic = delivery.headers['x-shopify-topic'];
  if (!isHandledTopic(topic)) return { events: [], reply: { statusCode: 200, body: { ignored: true, topic: topic ?? null } } };
  try {
    const { order, warnings } = mapShopifyOrder(delivery.brand, delivery.payload);
    // EventBridge refuses entries over 256 KB; such an order could never be published, so retrying helps nobody.
    if (Buffer.byteLength(JSON.stringify(order)) > MAX_ORDER_BYTES) {
      return rejectDelivery(delivery, [{ field: '(root)', message: `the order is larger than the ${MAX_ORDER_BYTES / 1024} KB an order event may carry` }], order.orderId);
    }
    return {
      events: [
        {
          detailType: DETAIL_TYPE_BY_TOPIC[topic],
          detail: {
            brand: delivery.brand,
            orderId: order.orderId,
            occurredAt: delivery.receivedAt.toISOString(),
            version: sourceVersion(order),
            correlationId: delivery.deliveryId,
            topic,
            triggeredAt: triggeredAt(delivery.headers['x-shopify-triggered-at'], delivery.receivedAt),
            archiveKey: delivery.archiveKey,
            order,
          },
        },
      ],
      reply: { statusCode: 200, body: { accepted: true, orderId: order.orderId, topic, warnings } },
    };
  } catch (error) {
    if (error instanceof OrderPayloadInvalidError) return rejectDelivery(delivery, error.problems);
    throw error;
  }
}

/**
 * POST /webhooks/shopify/{brand}, from API Gateway (HTTP API, payload 2.0): orders/create,
 * orders/updated, orders/paid and orders/cancelled. Deduplicated on X-Shopify-Event-Id (a retry or
 * another subscription's copy), falling back to X-Shopify-Webhook-Id.
 */
export const handler = webhookHandler({
  name: 'shopify',
  deliveryId: (headers) => headers['x-shopify-event-id'] ?? headers['x-shopify-webhook-id'],
  isValidSignature: (rawBody, secret, headers) => isValidShopifySignature(rawBody, secret, headers['x-shopify-hmac-sha256']),
  decide,
});
