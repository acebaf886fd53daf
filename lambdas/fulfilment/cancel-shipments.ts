import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES, parseDetail } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { ShipmentsTable, type ShipmentRecord } from './adapters/shipments-table.ts';
import { shipmentKey, wmsShipmentsFromEnvironment } from './clients.ts';
import { isTerminal } from './domain/tracking/milestones.ts';
import { ShipmentTracking } from './shipment-tracking.ts';

const shipments = new ShipmentsTable(requiredEnv('SHIPMENTS_TABLE_NAME'));
const tracking = new ShipmentTracking(shipments);
const wms = wmsShipmentsFromEnvironment();
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.fulfilment);
const processor = new BatchProcessor(EventType.SQS);

/**
 * One shipment of a cancelled order: still at the warehouse, it is cancelled there and its
 * branch of the workflow ends (Shipment Cancelled); already on its way, or too far along for the
 * WMS to stop it, it becomes a return (Return Requested, once) and tracking goes on.
 */
async function cancelOrReturn(shipment: ShipmentRecord, correlationId: string): Promise<'cancelled' | 'return' | 'done'> {
  if (isTerminal(shipment.milestone)) return 'done';
  if (shipment.milestone === 'CREATED') {
    const { cancelled } = await wms.cancelShipment(shipment.shipmentId, shipmentKey(shipment.brand, shipment.orderId, shipment.warehouseId));
    if (cancelled) {
      const { record } = await tracking.record(shipment, { milestone: 'CANCELLED', occurredAt: new Date().toISOString(), sourceEventId: `cancel-${correlationId}` });
      await tracking.resumeIfDue(record);
      return 'cancelled';
    }
  }
  const now = new Date().toISOString();
  if (await shipments.requestReturn(shipment.shipmentId, now)) {
    const { brand, orderId, shipmentId, warehouseId, awb, carrier, trackingUrl } = shipment;
    await publisher.publish([
      {
        detailType: 'Return Requested',
        detail: { brand, orderId, occurredAt: now, version: 3 + shipment.updates, correlationId: shipment.correlationId, shipmentId, warehouseId, ...(awb ? { awb } : {}), ...(carrier ? { carrier } : {}), ...(trackingUrl ? { trackingUrl } : {}), detail: 'order cancelled by the customer after dispatch' },
      },
    ]);
  }
  return 'return';
}

/**
 * One `Order Cancelled` from the bus: every shipment of the order that the WMS can still stop is
 * cancelled, the others become returns. An order not yet handed off has no shipments here (the
 * workflow's own conditions stop it). A replay finds the shipments cancelled or the return
 * already requested, and does nothing.
 */
async function cancelShipments(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as { detail: unknown };
  const cancelled = parseDetail('Order Cancelled', envelope.detail);
  logger.appendKeys({ brand: cancelled.brand, orderId: cancelled.orderId });
  const ofOrder = await shipments.ofOrder(cancelled.brand, cancelled.orderId);
  const outcomes = await Promise.all(ofOrder.map((shipment) => cancelOrReturn(shipment, cancelled.correlationId)));
  for (const outcome of outcomes) metrics.addMetric(outcome === 'cancelled' ? 'ShipmentCancelled' : outcome === 'return' ? 'ReturnRequested' : 'CancelAfterDelivery', MetricUnit.Count, 1);
  logger.info('cancelled order', { shipments: ofOrder.map((shipment, index) => ({ shipmentId: shipment.shipmentId, outcome: outcomes[index] })) });
}

/** SQS event source mapping on the fulfilment cancellations queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, cancelShipments, processor, { context });
  } finally {
    flushMetrics();
  }
}
