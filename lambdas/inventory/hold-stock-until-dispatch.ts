import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { parseDetail } from '#shared/events';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { InventoryTable } from './adapters/inventory-table.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const processor = new BatchProcessor(EventType.SQS);

/**
 * How long stock stays held once the order is at the warehouse: the workflow's 48 hours to
 * dispatch plus five days overdue (Await Dispatch, Await Overdue Dispatch), and a day's margin.
 * Without it the expiry sweep (reservationHoldMinutes from Reserve And Route) could put a slow
 * warehouse's units back on sale before they leave.
 */
export const HOLD_UNTIL_DISPATCH_DAYS = 8;

/**
 * The stock side of shipping. `Order Submitted`: the warehouse has the order, so its held stock
 * is kept until it can be dispatched. `Shipment Dispatched`: the units have left, so the
 * reservation is committed (reserved and on hand both go down) and can no longer expire or be
 * released. The reservation is per order, so the first shipment of a split order commits all of
 * it; later dispatches, and any replay, find it committed and change nothing.
 */
async function apply(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as { 'detail-type': string; detail: unknown };
  if (envelope['detail-type'] === 'Order Submitted') {
    const submitted = parseDetail('Order Submitted', envelope.detail);
    const extended = await inventory.extendHold(`${submitted.brand}#${submitted.orderId}`, Date.now() + HOLD_UNTIL_DISPATCH_DAYS * 86_400_000);
    logger.info('submitted order', { brand: submitted.brand, orderId: submitted.orderId, extended });
    return;
  }
  const dispatched = parseDetail('Shipment Dispatched', envelope.detail);
  const committed = await inventory.commit(`${dispatched.brand}#${dispatched.orderId}`);
  if (committed) metrics.addMetric('ReservationCommitted', MetricUnit.Count, 1);
  logger.info('dispatched shipment', { brand: dispatched.brand, orderId: dispatched.orderId, shipmentId: dispatched.shipmentId, committed });
}

/** SQS event source mapping on the shipping-progress queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, apply, processor, { context });
  } finally {
    flushMetrics();
  }
}
