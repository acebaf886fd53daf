import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { jsonReply } from '#shared/http-reply';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { RawArchive } from '#shared/raw-archive';
import { NotificationsTable } from './adapters/notifications-table.ts';
import { parseSendGridEvents, type SendGridEvent } from './domain/status-webhooks.ts';
import { verifySendGridSignature } from './domain/webhook-signatures.ts';
import { FallbackQueue } from './fallback-queue.ts';

const table = new NotificationsTable(requiredEnv('NOTIFICATIONS_TABLE_NAME'));
const secrets = new CachedSecrets();
const archive = new RawArchive(requiredEnv('RAW_ARCHIVE_BUCKET'));
const fallbacks = new FallbackQueue(requiredEnv('NOTIFICATIONS_QUEUE_URL'));
const publicKeyName = requiredEnv('SENDGRID_WEBHOOK_PUBLIC_KEY_NAME');

async function apply(event: SendGridEvent): Promise<void> {
  const brand = event.customArgs.brand;
  if (event.optOut && brand) {
    await table.setOptOut(brand, 'email', event.email, true, event.at);
    metrics.addMetric('EmailOptOuts', MetricUnit.Count, 1);
  }
  if (!event.status || !event.messageId) return;
  const result = await table.applyDeliveryStatus('email', event.messageId, event.status, { at: event.at });
  if (result.applied && event.status === 'failed' && result.key) {
    metrics.addMetric('EmailDeliveryFailed', MetricUnit.Count, 1);
    logger.warn('email could not be delivered; falling back', { ...result.key, event: event.event });
    await fallbacks.request(result.key);
  }
}

/**
 * POST /webhooks/sendgrid/events: SendGrid's signed Event Webhook (ECDSA P-256 over the timestamp
 * and the raw body), archived raw first. Delivery events move the message's status forward; a
 * bounce or drop falls back to WhatsApp once; unsubscribes and spam reports opt the address out
 * of the brand's email. Answers: 401 bad signature, 400 not an event array, 200 otherwise.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    await archive.store({ source: 'sendgrid', brand: 'events', deliveryId: event.requestContext.requestId, receivedAt: new Date(), headers: event.headers, rawBody });
    const text = rawBody.toString('utf8');
    const valid = verifySendGridSignature(
      text,
      event.headers['x-twilio-email-event-webhook-signature'],
      event.headers['x-twilio-email-event-webhook-timestamp'],
      await secrets.require(publicKeyName),
    );
    if (!valid) {
      metrics.addMetric('SendGridWebhookSignatureRejected', MetricUnit.Count, 1);
      return jsonReply(401, { error: 'invalid_signature', message: 'the Event Webhook signature does not match the timestamp and body' });
    }
    let events: SendGridEvent[];
    try {
      events = parseSendGridEvents(JSON.parse(text));
    } catch (error) {
      return jsonReply(400, { error: 'invalid_payload', message: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    }
    for (const sendGridEvent of events) await apply(sendGridEvent);
    return jsonReply(200, { received: events.length });
  } finally {
    flushMetrics();
  }
}
