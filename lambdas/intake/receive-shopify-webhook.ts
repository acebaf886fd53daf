import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { EventPublisher } from '#shared/event-publisher';
import { logger, metrics } from '#shared/observability';
import { BrandSecrets } from './adapters/brand-secrets.ts';
import { OrderPayloadInvalidError } from './domain/errors.ts';
import { mapShopifyOrder } from './domain/shopify-order.ts';
import { isValidShopifySignature } from './domain/shopify-signature.ts';

const secrets = new BrandSecrets(requiredEnv('SHOPIFY_SECRET_PREFIX'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'));

const BRAND_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
const HANDLED_TOPICS = new Set(['orders/create']);

function reply(statusCode: number, body: Record<string, unknown>): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * POST /webhooks/shopify/{brand}, from API Gateway (HTTP API, payload 2.0).
 * Verifies the Shopify signature over the raw body, maps orders/create to the canonical order and
 * publishes `Order Received`. Everything slow happens after the bus, so Shopify gets its answer
 * well inside its 5 s limit.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const brand = event.pathParameters?.brand ?? '';
  const headers = event.headers ?? {};
  const webhookId = headers['x-shopify-webhook-id'] ?? event.requestContext.requestId;
  logger.appendKeys({ brand, webhookId, topic: headers['x-shopify-topic'] });

  const secret = BRAND_ID.test(brand) ? await secrets.shopifySecret(brand) : undefined;
  if (!secret) return reply(404, { error: 'unknown_brand', message: `no storefront is configured for brand "${brand}"` });

  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (!isValidShopifySignature(rawBody, secret, headers['x-shopify-hmac-sha256'])) {
    metrics.addMetric('WebhookSignatureRejected', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    return reply(401, { error: 'invalid_signature', message: 'X-Shopify-Hmac-Sha256 does not match the body' });
  }

  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    return reply(400, { error: 'invalid_json', message: `body is not valid JSON: ${(error as Error).message}` });
  }

  const topic = headers['x-shopify-topic'];
  if (!topic || !HANDLED_TOPICS.has(topic)) {
    logger.info('webhook topic not handled; acknowledged so Shopify does not retry');
    return reply(200, { ignored: true, topic: topic ?? null });
  }

  try {
    const order = mapShopifyOrder(brand, payload);
    await publisher.publish([
      {
        detailType: 'Order Received',
        detail: {
          brand,
          orderId: order.orderId,
          occurredAt: new Date().toISOString(),
          version: Date.parse(order.updatedAt),
          correlationId: headers['x-shopify-event-id'] ?? webhookId,
          order,
        },
      },
    ]);
    metrics.addMetric('OrderReceived', MetricUnit.Count, 1);
    logger.info('order received', { orderId: order.orderId });
    return reply(200, { accepted: true, orderId: order.orderId });
  } catch (error) {
    if (!(error instanceof OrderPayloadInvalidError)) throw error;
    metrics.addMetric('OrderPayloadInvalid', MetricUnit.Count, 1);
    logger.warn('order payload invalid', { problems: error.problems });
    return reply(422, { error: 'invalid_order', message: error.message, problems: error.problems });
  } finally {
    metrics.publishStoredMetrics();
  }
}
