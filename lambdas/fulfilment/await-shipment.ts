import { z } from 'zod';
import { requiredEnv } from '#shared/environment';
import { logger } from '#shared/observability';
import { ShipmentsTable } from './adapters/shipments-table.ts';
import { TRACKING_STAGES } from './domain/tracking/milestones.ts';
import { ShipmentTracking } from './shipment-tracking.ts';

const shipments = new ShipmentsTable(requiredEnv('SHIPMENTS_TABLE_NAME'));
const tracking = new ShipmentTracking(shipments);

const InputSchema = z.object({
  shipmentId: z.string().min(1),
  stage: z.enum(TRACKING_STAGES),
  taskToken: z.string().min(1),
});

/** The shipment is not in the shipments table: Create WMS Shipments records each one, so this is a defect for ops. */
export class UnknownShipmentError extends Error {
  constructor(shipmentId: string) {
    super(`shipment ${shipmentId} is not recorded for tracking`);
    this.name = 'UnknownShipmentError';
  }
}

/**
 * Tasks "Await Dispatch", "Await Delivery" and "Await Return To Origin" of the order-lifecycle
 * state machine (lambda:invoke.waitForTaskToken). Parks the execution's token on the shipment;
 * the tracking webhook resumes it when the shipment gets there. If the shipment already got
 * there (its webhook came first), the task is resumed here at once.
 */
export async function handler(event: unknown): Promise<{ parked: boolean }> {
  const { shipmentId, stage, taskToken } = InputSchema.parse(event);
  const record = await shipments.park(shipmentId, stage, taskToken, new Date().toISOString());
  if (!record) throw new UnknownShipmentError(shipmentId);
  logger.appendKeys({ brand: record.brand, orderId: record.orderId, shipmentId, stage });
  const resumed = await tracking.resumeIfDue(record);
  logger.info(resumed ? 'shipment already there; resumed at once' : 'waiting for the shipment', { milestone: record.milestone });
  return { parked: !resumed };
}
