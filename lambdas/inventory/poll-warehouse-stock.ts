import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { WAREHOUSES } from '#config/warehouses';
import { InventoryTable } from './adapters/inventory-table.ts';
import { WmsUnavailableError } from './domain/errors.ts';
import { pollWarehouse } from './domain/stock-sync.ts';
import { stockLevelChanged } from './stock-events.ts';
import { wmsClientFromEnvironment } from './wms.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const wms = wmsClientFromEnvironment();

/**
 * EventBridge Scheduler, every minute: for each warehouse that sends no webhooks, applies every
 * stock change since the last poll's cursor. A warehouse whose WMS is down is skipped and
 * counted; the next minute catches up from the same cursor, so nothing is missed.
 */
export async function handler(): Promise<{ polled: number; changed: number; unavailable: string[] }> {
  const correlationId = `stock-poll-${randomUUID()}`;
  const unavailable: string[] = [];
  let changed = 0;
  const polled = WAREHOUSES.filter((warehouse) => warehouse.stockSync === 'poll');
  try {
    for (const warehouse of polled) {
      try {
        const result = await pollWarehouse(inventory, wms, warehouse.id, warehouse.safetyStock);
        await publisher.publish(stockLevelChanged(result.changed, 'wms-poll', correlationId));
        changed += result.changed.length;
        if (result.stale > 0) metrics.addMetric('StaleStockCountIgnored', MetricUnit.Count, result.stale);
      } catch (error) {
        if (!(error instanceof WmsUnavailableError)) throw error;
        unavailable.push(warehouse.id);
        metrics.addMetric('WmsUnavailable', MetricUnit.Count, 1);
        logger.warn('WMS unavailable; this warehouse is polled again next minute', { warehouseId: warehouse.id, error });
      }
    }
    logger.info('stock poll', { warehouses: polled.length, changed, unavailable });
    return { polled: polled.length, changed, unavailable };
  } finally {
    flushMetrics();
  }
}
