import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { jsonReply } from '#shared/http-reply';
import { EventPublisher, type PublishableEvent } from '#shared/event-publisher';
import { EVENT_SOURCES } from '#shared/events';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { findBrand } from '#config/brands';
import { RawArchive, type InboundRequest } from '#shared/raw-archive';

export interface Reply {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

export interface AcceptedDelivery {
  readonly brand: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly payload: unknown;
  readonly archiveKey: string;
  readonly deliveryId: string;
  readonly receivedAt: Date;
}

/** What one webhook source decides, given a verified, parsed, first-seen delivery. */
export interface WebhookSource {
  readonly name: InboundRequest['source'];
  /** The sender's id for this delivery; duplicates share it. */
  deliveryId(headers: Readonly<Record<string, string | undefined>>): string | undefined;
  isValidSignature(rawBody: Buffer, secret: string, headers: Readonly<Record<string, string | undefined>>): boolean;
  /** Maps the delivery to the events to publish and the reply; throws only on infrastructure failure. */
  decide(delivery: AcceptedDelivery): { events: PublishableEvent[]; reply: Reply };
}

const BRAND_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** Long enough to cover every sender retry (Shopify: 4 h, Razorpay: 24 h), with a margin. */
const DEDUPLICATION_WINDOW_SECONDS = 48 * 60 * 60;

const json = ({ statusCode, body }: Reply): APIGatewayProxyStructuredResultV2 => jsonReply(statusCode, body);

/**
 * The intake pipeline both webhook handlers share, in the order that loses nothing: archive the
 * raw request, check the brand, verify the signature, parse, deduplicate, then publish. Every
 * answer below 500 is final for the sender; a 500 means "retry", and the retry is safe.
 */
export function webhookHandler(source: WebhookSource) {
  const archive = new RawArchive(requiredEnv('RAW_ARCHIVE_BUCKET'));
  const secretPrefix = requiredEnv('BRAND_SECRET_PREFIX');
  const secrets = new CachedSecrets();
  const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.intake);
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    // A retry must carry the same body; the same id with another body is a conflict, not a duplicate.
    payloadValidationJmesPath: 'bodyHash',
    expiresAfterSeconds: DEDUPLICATION_WINDOW_SECONDS,
  });
  const publishOnce = makeIdempotent(
    async (input: { key: string; bodyHash: string; delivery: AcceptedDelivery }): Promise<Reply> => {
      const { events, reply } = source.decide(input.delivery);
      await publisher.publish(events);
      for (const event of events) metrics.addMetric(event.detailType.replaceAll(' ', ''), MetricUnit.Count, 1);
      return reply;
    },
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: requiredEnv('IDEMPOTENCY_TABLE_NAME') }),
      config: idempotencyConfig,
    },
  );

  return async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
    idempotencyConfig.registerLambdaContext(context);
    const headers = event.headers ?? {};
    const brand = event.pathParameters?.brand ?? '';
    const receivedAt = new Date(event.requestContext.timeEpoch ?? Date.now());
    const deliveryId = source.deliveryId(headers) ?? event.requestContext.requestId;
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    logger.appendKeys({ source: source.name, brand, deliveryId });
    try {
      const archiveKey = await archive.store({ source: source.name, brand, deliveryId, receivedAt, headers, rawBody });

      const secret = BRAND_ID.test(brand) && findBrand(brand) ? await secrets.get(`${secretPrefix}${brand}`) : undefined;
      if (!secret) return json({ statusCode: 404, body: { error: 'unknown_brand', message: `no storefront is configured for brand "${brand}"` } });

      if (!source.isValidSignature(rawBody, secret, headers)) {
        metrics.addMetric('WebhookSignatureRejected', MetricUnit.Count, 1);
        return json({ statusCode: 401, body: { error: 'invalid_signature', message: `the ${source.name} signature does not match the body` } });
      }

      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString('utf8'));
      } catch (error) {
        return json({ statusCode: 400, body: { error: 'invalid_json', message: `body is not valid JSON: ${(error as Error).message}` } });
      }

      const delivery: AcceptedDelivery = { brand, headers, payload, archiveKey, deliveryId, receivedAt };
      const bodyHash = createHash('sha256').update(rawBody).digest('hex');
      try {
        return json(await publishOnce({ key: `${source.name}:${brand}:${deliveryId}`, bodyHash, delivery }));
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) {
          // The first copy is still being processed; if it fails, the sender retries that copy.
          metrics.addMetric('DuplicateDelivery', MetricUnit.Count, 1);
          return json({ statusCode: 200, body: { duplicate: true, inProgress: true } });
        }
        if (error instanceof IdempotencyValidationError) {
          return json({ statusCode: 409, body: { error: 'conflicting_duplicate', message: `delivery ${deliveryId} was already received with a different body` } });
        }
        throw error;
      }
    } finally {
      flushMetrics();
    }
  };
}
