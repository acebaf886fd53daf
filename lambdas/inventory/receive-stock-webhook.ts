import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { jsonReply, parseJsonBody } from '#shared/http-reply';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { RawArchive } from '#shared/raw-archive';
import { findWarehouse } from '#config/warehouses';
import { InventoryTable } from './adapters/inventory-table.ts';
import { WMS_EVENT_ID_HEADER, WMS_SIGNATURE_HEADER, WmsStockWebhookSchema } from './domain/wms-contract.ts';
import { verifyWmsSignature } from './domain/wms-signature.ts';
import { applyCounts } from './domain/stock-sync.ts';
import { stockLevelChanged } from './stock-events.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const archive = new RawArchive(requiredEnv('RAW_ARCHIVE_BUCKET'));
const webhookSecretName = requiredEnv('WMS_WEBHOOK_SECRET_NAME');
const secrets = new CachedSecrets();

/**
 * POST /webhooks/wms/{warehouseId}, from API Gateway: a warehouse's signed stock changes.
 * Archived first, then verified, parsed and applied. Counts not newer than ours are ignored, so a
 * redelivered or replayed webhook changes nothing and publishes nothing. Answers 404 for an
 * unknown warehouse, 401 for a bad signature, 400 for a body that is not a stock webhook.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const warehouseId = event.pathParameters?.warehouseId ?? '';
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const eventId = event.headers[WMS_EVENT_ID_HEADER] ?? event.requestContext.requestId;
  logger.appendKeys({ warehouseId, eventId });
  try {
    await archive.store({ source: 'wms', brand: warehouseId, deliveryId: eventId, receivedAt: new Date(), headers: event.headers, rawBody });
    const warehouse = findWarehouse(warehouseId);
    if (!warehouse) return jsonReply(404, { error: 'unknown_warehouse', message: `no warehouse ${warehouseId}` });

    const verdict = verifyWmsSignature({
      secret: await secrets.require(webhookSecretName),
      header: event.headers[WMS_SIGNATURE_HEADER],
      rawBody,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!verdict.valid) {
      metrics.addMetric('WmsWebhookSignatureRejected', MetricUnit.Count, 1);
      return jsonReply(401, { error: 'invalid_signature', message: `signature ${verdict.reason}` });
    }

    const parsed = parseJsonBody(rawBody.toString('utf8'), WmsStockWebhookSchema, 'invalid_payload');
    if (!parsed.ok) return parsed.reply;
    if (parsed.data.warehouse_id !== warehouseId) return jsonReply(400, { error: 'warehouse_mismatch', message: `body is for ${parsed.data.warehouse_id}, path says ${warehouseId}` });

    const counts = parsed.data.items.map((item) => ({ sku: item.sku, onHand: item.on_hand, sequence: item.sequence, updatedAt: item.updated_at }));
    const { changed, stale } = await applyCounts(inventory, warehouseId, counts, 'wms-webhook', warehouse.safetyStock);
    await publisher.publish(stockLevelChanged(changed, 'wms-webhook', parsed.data.event_id));
    if (stale > 0) metrics.addMetric('StaleStockCountIgnored', MetricUnit.Count, stale);
    logger.info('stock webhook applied', { changed: changed.length, stale });
    return jsonReply(200, { applied: changed.length, stale });
  } finally {
    flushMetrics();
  }
}
