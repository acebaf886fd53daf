import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BRANDS } from '#config/brands';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { jsonReply } from '#shared/http-reply';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { RawArchive } from '#shared/raw-archive';
import { NotificationsTable } from './adapters/notifications-table.ts';
import { OrderStatusApi } from './adapters/order-status-api.ts';
import { BrandWhatsAppNumbers, WhatsAppClient } from './adapters/whatsapp-client.ts';
import { CustomerConversation } from './customer-conversation.ts';
import { parseWhatsAppWebhook, type WhatsAppChange } from './domain/status-webhooks.ts';
import { answerVerificationHandshake, verifyMetaSignature } from './domain/webhook-signatures.ts';
import { FallbackQueue } from './fallback-queue.ts';

const table = new NotificationsTable(requiredEnv('NOTIFICATIONS_TABLE_NAME'));
const secrets = new CachedSecrets();
const archive = new RawArchive(requiredEnv('RAW_ARCHIVE_BUCKET'));
const fallbacks = new FallbackQueue(requiredEnv('NOTIFICATIONS_QUEUE_URL'));
const conversation = new CustomerConversation({
  table,
  statusApi: new OrderStatusApi(requiredEnv('PUBLIC_API_URL'), requiredEnv('AWS_REGION')),
  whatsapp: new WhatsAppClient(requiredEnv('WHATSAPP_BASE_URL')),
  numbers: new BrandWhatsAppNumbers(secrets, requiredEnv('WHATSAPP_TOKEN_SECRET_PREFIX')),
  publicApiUrl: requiredEnv('PUBLIC_API_URL'),
});
const appSecretName = requiredEnv('WHATSAPP_APP_SECRET_NAME');
const verifyTokenName = requiredEnv('WHATSAPP_VERIFY_TOKEN_NAME');

const brandByNumber = new Map(BRANDS.map((brand) => [brand.senders.whatsapp.phoneNumberId, brand]));

async function apply(change: WhatsAppChange): Promise<void> {
  const brand = brandByNumber.get(change.phoneNumberId);
  if (!brand) {
    logger.warn('webhook for a WhatsApp number no brand uses', { phoneNumberId: change.phoneNumberId });
    return;
  }
  for (const update of change.statuses) {
    const result = await table.applyDeliveryStatus('whatsapp', update.messageId, update.status, { at: update.at, errorCode: update.errorCode });
    // Once per message: only the webhook that moved it to failed asks for the fallback.
    if (result.applied && update.status === 'failed' && result.key) {
      metrics.addMetric('WhatsAppDeliveryFailed', MetricUnit.Count, 1);
      logger.warn('WhatsApp could not deliver; falling back', { ...result.key, errorCode: update.errorCode });
      await fallbacks.request(result.key);
    }
  }
  for (const message of change.inbound) {
    const outcome = await conversation.onInbound(brand, message);
    logger.info('inbound WhatsApp message', { brand: brand.id, messageId: message.messageId, outcome });
  }
}

/**
 * GET /webhooks/whatsapp: Meta's subscription handshake (echo the challenge when the verify
 * token matches). POST /webhooks/whatsapp: delivery statuses and customer messages, archived raw,
 * then checked against X-Hub-Signature-256 (HMAC of the raw body with the app secret).
 *
 * Answers: 401 bad signature, 400 not a webhook body, 200 otherwise. Statuses apply only forward,
 * and a message that failed after acceptance falls back to email once; each inbound message is
 * handled once (Meta delivers at least once).
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    if (event.requestContext.http.method === 'GET') {
      const answer = answerVerificationHandshake(event.queryStringParameters ?? {}, await secrets.require(verifyTokenName));
      return { statusCode: answer.statusCode, headers: { 'content-type': 'text/plain' }, body: answer.body };
    }
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    await archive.store({ source: 'whatsapp', brand: 'meta', deliveryId: event.requestContext.requestId, receivedAt: new Date(), headers: event.headers, rawBody });
    const text = rawBody.toString('utf8');
    if (!verifyMetaSignature(text, event.headers['x-hub-signature-256'], await secrets.require(appSecretName))) {
      metrics.addMetric('WhatsAppWebhookSignatureRejected', MetricUnit.Count, 1);
      return jsonReply(401, { error: 'invalid_signature', message: 'X-Hub-Signature-256 does not match the body' });
    }
    let changes: WhatsAppChange[];
    try {
      changes = parseWhatsAppWebhook(JSON.parse(text));
    } catch (error) {
      return jsonReply(400, { error: 'invalid_payload', message: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    }
    for (const change of changes) await apply(change);
    return jsonReply(200, { received: changes.reduce((sum, change) => sum + change.statuses.length + change.inbound.length, 0) });
  } finally {
    flushMetrics();
  }
}
