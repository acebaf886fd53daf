import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { jsonReply } from '#shared/http-reply';
import { OrdersTable } from './adapters/orders-table.ts';
import { customerView } from './domain/order-view.ts';
import { verifyTrackingToken } from './domain/tracking-link.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const trackingKeySecret = requiredEnv('TRACKING_LINK_KEY_SECRET');
const secrets = new CachedSecrets();

/**
 * GET /track/{token}, public: a customer's signed link to one order. A forged, edited or expired
 * token gets the same 404 as a missing order, so the answer reveals nothing about other orders.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const tracked = verifyTrackingToken(await secrets.require(trackingKeySecret), event.pathParameters?.token ?? '', new Date());
  const item = tracked ? await orders.get(tracked.brand, tracked.orderId) : undefined;
  if (!item) return jsonReply(404, { error: 'not_found', message: 'this tracking link is not valid' });
  return jsonReply(200, customerView({ ...item, order: item.order ? JSON.parse(item.order) : undefined }, await orders.timeline(tracked!.brand, tracked!.orderId)));
}
