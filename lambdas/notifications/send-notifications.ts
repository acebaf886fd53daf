import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { OrdersTable } from '#orders/adapters/orders-table';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { flushMetrics, logger } from '#shared/observability';
import { NotificationsTable } from './adapters/notifications-table.ts';
import { SendPacer } from './adapters/send-pacer.ts';
import { SendGridSender } from './adapters/sendgrid-client.ts';
import { BrandWhatsAppNumbers, WhatsAppClient } from './adapters/whatsapp-client.ts';
import { intentFor } from './domain/notification-intent.ts';
import { FallbackRequestSchema } from './fallback-request.ts';
import { NotificationSender } from './notification-sender.ts';

const table = new NotificationsTable(requiredEnv('NOTIFICATIONS_TABLE_NAME'));
const secrets = new CachedSecrets();
const sender = new NotificationSender({
  table,
  orders: new OrdersTable(requiredEnv('ORDERS_TABLE_NAME')),
  whatsapp: new WhatsAppClient(requiredEnv('WHATSAPP_BASE_URL')),
  email: new SendGridSender(requiredEnv('SENDGRID_BASE_URL')),
  secrets,
  numbers: new BrandWhatsAppNumbers(secrets, requiredEnv('WHATSAPP_TOKEN_SECRET_PREFIX')),
  pacer: new SendPacer(requiredEnv('NOTIFICATIONS_TABLE_NAME'), Number(requiredEnv('WHATSAPP_MESSAGES_PER_SECOND'))),
  sendGridApiKeySecretName: requiredEnv('SENDGRID_API_KEY_SECRET_NAME'),
  publicApiUrl: requiredEnv('PUBLIC_API_URL'),
});
const queueUrl = requiredEnv('NOTIFICATIONS_QUEUE_URL');
const sqs = new SQSClient({});
const processor = new BatchProcessor(EventType.SQS);

const EventSchema = z.object({ 'detail-type': z.string(), detail: z.unknown() });

async function handle(record: SQSRecord): Promise<void> {
  const body: unknown = JSON.parse(record.body);
  const fallback = FallbackRequestSchema.safeParse(body);
  let outcome;
  if (fallback.success) {
    const { after, ...message } = fallback.data.fallback;
    const failed = await table.get({ ...message, channel: after });
    if (!failed) throw new Error(`fallback for a message never recorded: ${JSON.stringify(fallback.data.fallback)}`);
    outcome = await sender.deliver(failed.intent, { after });
  } else {
    const event = EventSchema.parse(body);
    const intent = intentFor(event['detail-type'], event.detail);
    if (!intent) return;
    outcome = await sender.deliver(intent);
  }
  if (outcome.kind === 'done') return;
  if (outcome.kind === 'hold') {
    // Back on the queue when the wait is over, not after the usual visibility timeout.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: outcome.seconds }));
  }
  logger.info('notification deferred', { messageId: record.messageId, ...outcome });
  throw new Error(`deferred: ${outcome.reason}`);
}

/**
 * SQS event source mapping on the customer-updates queue (lifecycle events, and fallbacks asked
 * for by the delivery-status webhooks), reporting partial batch failures: a deferred message
 * returns alone, when its quiet hours or back-off end.
 */
export async function handler(event: SQSEvent, context: Context) {
  try {
    // A batch of held messages only is not a failure: each already has its own way back.
    return await processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
  } finally {
    flushMetrics();
  }
}
