import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CachedSecrets } from '#shared/cached-secrets';
import type { CanonicalOrder } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { htmlReply } from '#shared/http-reply';
import { OrdersTable } from './adapters/orders-table.ts';
import { renderAddressPage } from './domain/address-confirmation-page.ts';
import { addressPageView, confirmationStateOf, notFoundView, type PendingConfirmation } from './domain/address-page-view.ts';
import { verifyReplyToken } from './domain/address-reply.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const linkKeySecret = requiredEnv('TRACKING_LINK_KEY_SECRET');
const secrets = new CachedSecrets();

/**
 * GET /address-confirmations/{token}, public: the page a customer lands on from the address
 * question, in their language (or `?lang=`), showing the address and the three answers, which
 * post back to the same URL. It only reads; answering is AnswerAddressConfirmation's job.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const requestedLanguage = event.queryStringParameters?.lang;
  const confirming = verifyReplyToken(await secrets.require(linkKeySecret), event.pathParameters?.token ?? '', new Date());
  const item = confirming ? await orders.get(confirming.brand, confirming.orderId) : undefined;
  const pending = item?.addressConfirmation as PendingConfirmation | undefined;
  if (!confirming || !item || !pending) return htmlReply(404, await renderAddressPage(notFoundView(requestedLanguage)));
  const order = JSON.parse(String(item.order)) as CanonicalOrder;
  const state = confirmationStateOf(item.status, pending);
  return htmlReply(200, await renderAddressPage(addressPageView(confirming.brand, order, pending, state, requestedLanguage)));
}
