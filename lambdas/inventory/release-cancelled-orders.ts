import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES, parseDetail } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { flushMetrics, logger } from '#shared/observability';
import { InventoryTable } from './adapters/inventory-table.ts';
import { releaseReservation } from './release-reservation.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const processor = new BatchProcessor(EventType.SQS);

/** One `Order Cancelled` from the bus: the order's held stock goes back on sale. */
async function releaseCancelled(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as { detail: unknown };
  const cancelled = parseDetail('Order Cancelled', envelope.detail);
  const events = await releaseReservation(inventory, `${cancelled.brand}#${cancelled.orderId}`, 'cancelled', cancelled.correlationId);
  await publisher.publish(events);
  logger.info('cancelled order', { brand: cancelled.brand, orderId: cancelled.orderId, released: events.length > 0 });
}

/** SQS event source mapping on the cancellations queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, releaseCancelled, processor, { context });
  } finally {
    flushMetrics();
  }
}
