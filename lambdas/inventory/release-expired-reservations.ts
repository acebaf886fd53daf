import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { InventoryTable } from './adapters/inventory-table.ts';
import { releaseReservation } from './release-reservation.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);

/**
 * EventBridge Scheduler, every 5 minutes: reservations never committed by their expiry go back
 * on sale. A reservation is released once, so an overlapping or retried sweep releases and
 * publishes nothing twice.
 */
export async function handler(): Promise<{ released: number }> {
  const correlationId = `expiry-sweep-${randomUUID()}`;
  try {
    let released = 0;
    for (const orderKey of await inventory.expiredOrderKeys(Date.now())) {
      const events = await releaseReservation(inventory, orderKey, 'expired', correlationId);
      if (events.length > 0) released++;
      await publisher.publish(events);
    }
    metrics.addMetric('ReservationsExpired', MetricUnit.Count, released);
    logger.info('expired reservations released', { released });
    return { released };
  } finally {
    flushMetrics();
  }
}
