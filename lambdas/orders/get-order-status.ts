import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { jsonReply } from '#shared/http-reply';
import { logger } from '#shared/observability';
import { OrdersTable } from './adapters/orders-table.ts';
import { opsView, type StoredOrder } from './domain/order-view.ts';
import { createTrackingToken } from './domain/tracking-link.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const trackingKeySecret = requiredEnv('TRACKING_LINK_KEY_SECRET');
const secrets = new CachedSecrets();

/**
 * GET /orders/{brand}/{orderId}, from API Gateway with IAM authorization (ops only).
 * Answers the canonical order, its state, route and mode, payment, timeline and a tracking link.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const brand = event.pathParameters?.brand ?? '';
  const orderId = event.pathParameters?.orderId ?? '';
  logger.appendKeys({ brand, orderId });
  const item = await orders.get(brand, orderId);
  if (!item) return jsonReply(404, { error: 'order_not_found', message: `no order ${orderId} for brand ${brand}` });
  const stored: StoredOrder = {
    ...item,
    order: item.order ? JSON.parse(item.order) : undefined,
    payment: item.payment ? JSON.parse(item.payment) : undefined,
    rejectionReasons: typeof item.rejectionReasons === 'string' ? JSON.parse(item.rejectionReasons) : undefined,
    reservation: typeof item.reservation === 'string' ? JSON.parse(item.reservation) : undefined,
    shortfall: typeof item.shortfall === 'string' ? JSON.parse(item.shortfall) : undefined,
  };
  const token = createTrackingToken(await secrets.require(trackingKeySecret), { brand, orderId }, new Date());
  return jsonReply(200, opsView(stored, await orders.timeline(brand, orderId), `/track/${token}`));
}
