import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { parseDetail } from '#shared/events';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { STOREFRONTS } from '#config/storefronts';
import { InventoryTable } from './adapters/inventory-table.ts';
import { ShopifyInventoryClient, ShopifyRejectedError } from './adapters/shopify-inventory.ts';
import { planStorefrontPushes } from './domain/storefront-stock.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const tokenPrefix = requiredEnv('SHOPIFY_ADMIN_TOKEN_SECRET_PREFIX');
const urlTemplate = requiredEnv('SHOPIFY_ADMIN_URL_TEMPLATE');
const secrets = new CachedSecrets();
const shopify = new ShopifyInventoryClient({
  adminUrl: (shop) => urlTemplate.replace('{shop}', shop),
  accessToken: (brand) => secrets.require(`${tokenPrefix}${brand}`),
  // Stay inside the function's timeout: a push still throttled after this is retried by SQS.
  maxThrottleWaitMs: 20_000,
});

const stockKey = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;

/**
 * SQS event source mapping on the storefront-stock queue (`Stock Level Changed`).
 *
 * Works on the whole batch rather than record by record, because coalescing is the point: the
 * mapping's batching window collects a burst of changes, each SKU × warehouse is read once at
 * its current level, and each brand gets one `inventorySetQuantities` call per 250 quantities.
 * The quantities are absolute, so a retried push is harmless. Records behind a push Shopify
 * could not take right now are reported as failures and come back; a push Shopify refuses
 * outright (unknown item, bad token) is logged and counted, because retrying cannot fix it.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  try {
    const changes = event.Records.map((record) => {
      const envelope = JSON.parse(record.body) as { detail: unknown };
      return { messageId: record.messageId, change: parseDetail('Stock Level Changed', envelope.detail) };
    });
    const levels = await inventory.levels(changes.map(({ change }) => change));
    const pushes = planStorefrontPushes(levels, STOREFRONTS);
    const reference = `gid://order-automation/StockSync/${randomUUID()}`;
    const failedBrands = new Set<string>();
    for (const push of pushes) {
      try {
        const { changes: changed, throttledWaitMs } = await shopify.setAvailable(push, reference);
        metrics.addMetric('StorefrontQuantitiesPushed', MetricUnit.Count, push.quantities.length);
        if (throttledWaitMs > 0) metrics.addMetric('StorefrontThrottledWait', MetricUnit.Milliseconds, throttledWaitMs);
        logger.info('storefront stock pushed', { brand: push.brand, quantities: push.quantities.length, changed, reference });
      } catch (error) {
        if (error instanceof ShopifyRejectedError) {
          metrics.addMetric('StorefrontPushRejected', MetricUnit.Count, 1);
          logger.error('Shopify refused the stock push; fix the mapping or token, retrying will not help', { brand: push.brand, error, userErrors: error.userErrors });
          continue;
        }
        failedBrands.add(push.brand);
        logger.warn('Shopify unavailable; the changes behind this push will be retried', { brand: push.brand, error });
      }
    }
    const now = Date.now();
    const lags = changes.map(({ change }) => now - Date.parse(change.occurredAt));
    metrics.addMetric('StorefrontPushLag', MetricUnit.Milliseconds, Math.max(...lags));

    const failedKeys = new Set(
      STOREFRONTS.filter((storefront) => failedBrands.has(storefront.brand)).flatMap((storefront) =>
        Object.keys(storefront.inventoryItemIds).flatMap((sku) => Object.keys(storefront.locationIds).map((warehouseId) => stockKey(sku, warehouseId))),
      ),
    );
    return {
      batchItemFailures: changes.filter(({ change }) => failedKeys.has(stockKey(change.sku, change.warehouseId))).map(({ messageId }) => ({ itemIdentifier: messageId })),
    };
  } finally {
    flushMetrics();
  }
}
