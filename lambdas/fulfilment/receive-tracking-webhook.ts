import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { jsonReply, parseJsonBody } from '#shared/http-reply';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { RawArchive } from '#shared/raw-archive';
import { ShipmentsTable, type ShipmentRecord } from './adapters/shipments-table.ts';
import { AFTERSHIP_SIGNATURE_HEADER, AfterShipWebhookSchema, interpretAfterShipWebhook, verifyAfterShipSignature } from './domain/tracking/aftership-tracking.ts';
import type { TrackingUpdate } from './domain/tracking/milestones.ts';
import { interpretShipBobWebhook, isShipBobTrackingTopic, ShipBobOrderWebhookSchema } from './domain/tracking/shipbob-tracking.ts';
import { verifyStandardWebhook } from './domain/tracking/standard-webhooks.ts';
import { ShipmentTracking } from './shipment-tracking.ts';

const shipments = new ShipmentsTable(requiredEnv('SHIPMENTS_TABLE_NAME'));
const tracking = new ShipmentTracking(shipments);
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.fulfilment);
const archive = new RawArchive(requiredEnv('RAW_ARCHIVE_BUCKET'));
const secrets = new CachedSecrets();
const secretNames = { shipbob: requiredEnv('SHIPBOB_WEBHOOK_SECRET_NAME'), aftership: requiredEnv('AFTERSHIP_WEBHOOK_SECRET_NAME') } as const;

const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);
type Reply = APIGatewayProxyStructuredResultV2;

/** A verified, parsed webhook: which shipment, and what happened to it (or why nothing did). */
type Interpreted =
  | { readonly kind: 'update'; readonly find: () => Promise<ShipmentRecord | undefined>; readonly update: TrackingUpdate; readonly reference: string }
  | { readonly kind: 'reply'; readonly reply: Reply };

const invalidPayload = (field: string, message: string): Interpreted => ({ kind: 'reply', reply: jsonReply(400, { error: 'invalid_payload', issues: [{ field, message }] }) });

async function interpretShipBob(event: APIGatewayProxyEventV2, rawBody: Buffer): Promise<Interpreted> {
  const verdict = verifyStandardWebhook({
    secret: await secrets.require(secretNames.shipbob),
    id: event.headers['webhook-id'],
    timestamp: event.headers['webhook-timestamp'],
    signature: event.headers['webhook-signature'],
    rawBody,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!verdict.valid) return { kind: 'reply', reply: rejectSignature(verdict.reason) };
  const topic = event.headers['x-webhook-topic'];
  // Topics we do not track (returns, billing…) are acknowledged so ShipBob stops resending them.
  if (!isShipBobTrackingTopic(topic)) return { kind: 'reply', reply: jsonReply(200, { ignored: `topic ${topic ?? '(none)'}` }) };
  const parsed = parseJsonBody(rawBody.toString('utf8'), ShipBobOrderWebhookSchema, 'invalid_payload');
  if (!parsed.ok) return { kind: 'reply', reply: parsed.reply };
  const meaning = interpretShipBobWebhook(topic, parsed.data, event.headers['webhook-id']!);
  if (meaning.kind === 'invalid') return invalidPayload('shipments.0', meaning.reason);
  if (meaning.kind === 'ignored') return { kind: 'reply', reply: jsonReply(200, { ignored: meaning.reason }) };
  return { kind: 'update', find: () => shipments.get(meaning.shipmentId), update: meaning.update, reference: `shipment ${meaning.shipmentId}` };
}

async function interpretAfterShip(event: APIGatewayProxyEventV2, rawBody: Buffer): Promise<Interpreted> {
  const verdict = verifyAfterShipSignature(await secrets.require(secretNames.aftership), event.headers[AFTERSHIP_SIGNATURE_HEADER], rawBody);
  if (!verdict.valid) return { kind: 'reply', reply: rejectSignature(verdict.reason) };
  const parsed = parseJsonBody(rawBody.toString('utf8'), AfterShipWebhookSchema, 'invalid_payload');
  if (!parsed.ok) return { kind: 'reply', reply: parsed.reply };
  const meaning = interpretAfterShipWebhook(parsed.data);
  if (meaning.kind === 'invalid') return invalidPayload('msg.checkpoints', meaning.reason);
  if (meaning.kind === 'ignored') return { kind: 'reply', reply: jsonReply(200, { ignored: meaning.reason }) };
  return { kind: 'update', find: () => shipments.findByAwb(meaning.awb), update: meaning.update, reference: `tracking number ${meaning.awb}` };
}

function rejectSignature(reason: string): Reply {
  count('TrackingWebhookSignatureRejected');
  return jsonReply(401, { error: 'invalid_signature', message: `signature ${reason}` });
}

/**
 * POST /webhooks/tracking/{provider}, from API Gateway: a shipment's progress from the WMS
 * (`shipbob`: dispatched with its AWB, delivered) or the carriers (`aftership`: in transit, out
 * for delivery, failed attempt, delivered, return to origin). Archived first, then verified and
 * applied; an update older than the one recorded changes nothing. Each new milestone is
 * published once, and the order's execution waiting on the shipment is resumed.
 *
 * Answers: 401 bad signature, 400 not a tracking webhook, 404 unknown provider, 409 a shipment or
 * AWB we do not know yet (the sender retries: a carrier scan can outrun the warehouse's
 * dispatch webhook), 200 otherwise, saying what was applied.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const provider = event.pathParameters?.provider ?? '';
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const deliveryId = event.headers['webhook-id'] ?? event.requestContext.requestId;
  logger.appendKeys({ provider, deliveryId });
  try {
    const known = provider === 'shipbob' || provider === 'aftership';
    await archive.store({ source: known ? provider : 'shipbob', brand: provider, deliveryId, receivedAt: new Date(), headers: event.headers, rawBody });
    if (!known) return jsonReply(404, { error: 'unknown_provider', message: `no tracking provider "${provider}"; expected shipbob or aftership` });

    const interpreted = provider === 'shipbob' ? await interpretShipBob(event, rawBody) : await interpretAfterShip(event, rawBody);
    if (interpreted.kind === 'reply') return interpreted.reply;

    const shipment = await interpreted.find();
    if (!shipment) {
      count('TrackingForUnknownShipment');
      return jsonReply(409, { error: 'unknown_shipment', message: `no shipment with ${interpreted.reference} yet; retry later` });
    }
    logger.appendKeys({ brand: shipment.brand, orderId: shipment.orderId, shipmentId: shipment.shipmentId });
    const { record, verdict } = await tracking.record(shipment, interpreted.update);
    // Stale, repeated or after the end: normal for at-least-once feeds, counted to see how normal.
    if (!verdict.apply) count('TrackingUpdateIgnored');
    const published = await tracking.announce(record, (milestone) => publisher.publish([milestone]));
    const resumed = await tracking.resumeIfDue(record);
    logger.info('tracking update', { milestone: interpreted.update.milestone, verdict, now: record.milestone, published, resumed });
    return jsonReply(200, { shipmentId: record.shipmentId, milestone: record.milestone, applied: verdict.apply, ...(verdict.apply ? {} : { ignored: verdict.reason }) });
  } finally {
    flushMetrics();
  }
}
