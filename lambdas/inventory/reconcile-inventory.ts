import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { WAREHOUSES } from '#config/warehouses';
import { InventoryTable } from './adapters/inventory-table.ts';
import { WmsUnavailableError } from './domain/errors.ts';
import { reconcileWarehouse } from './domain/stock-sync.ts';
import { stockLevelChanged } from './stock-events.ts';
import { wmsClientFromEnvironment } from './wms.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const wms = wmsClientFromEnvironment();

export interface ReconciliationSummary {
  readonly warehouses: number;
  readonly driftIncidents: number;
  readonly driftedSkus: number;
  readonly unavailable: readonly string[];
}

/**
 * EventBridge Scheduler, every 15 minutes: compares each warehouse's full WMS snapshot with our
 * counts and corrects on hand where they differ (reservations untouched). Each warehouse with
 * drift is one incident: `Inventory Drift Detected` and the `InventoryDriftIncidents` metric,
 * which the monthly target (fewer than 3) is read from.
 */
export async function handler(): Promise<ReconciliationSummary> {
  const correlationId = `reconcile-${randomUUID()}`;
  const unavailable: string[] = [];
  let driftIncidents = 0;
  let driftedSkus = 0;
  try {
    for (const warehouse of WAREHOUSES) {
      try {
        const result = await reconcileWarehouse(inventory, wms, warehouse.id, warehouse.safetyStock, new Date());
        if (result.drifts.length === 0) {
          // First load or new listings: stock to announce, but no incident.
          await publisher.publish(stockLevelChanged(result.changed, 'reconciliation', correlationId));
          continue;
        }
        driftIncidents++;
        driftedSkus += result.drifts.length;
        const drifts = result.drifts.map(({ sku, ours, wms: theirs, delta }) => ({ sku, ours, wms: theirs, delta }));
        await publisher.publish([
          {
            detailType: 'Inventory Drift Detected',
            detail: {
              occurredAt: new Date().toISOString(),
              correlationId,
              warehouseId: warehouse.id,
              snapshotAt: result.snapshotAt,
              drifts,
              totalAbsoluteDelta: drifts.reduce((sum, drift) => sum + Math.abs(drift.delta), 0),
            },
          },
          ...stockLevelChanged(result.changed, 'reconciliation', correlationId),
        ]);
        logger.warn('inventory drift corrected', { warehouseId: warehouse.id, drifts });
      } catch (error) {
        if (!(error instanceof WmsUnavailableError)) throw error;
        unavailable.push(warehouse.id);
        metrics.addMetric('WmsUnavailable', MetricUnit.Count, 1);
        logger.warn('WMS unavailable; this warehouse is reconciled at the next run', { warehouseId: warehouse.id, error });
      }
    }
    metrics.addMetric('InventoryDriftIncidents', MetricUnit.Count, driftIncidents);
    metrics.addMetric('InventoryDriftedSkus', MetricUnit.Count, driftedSkus);
    return { warehouses: WAREHOUSES.length, driftIncidents, driftedSkus, unavailable };
  } finally {
    flushMetrics();
  }
}
