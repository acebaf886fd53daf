import { z } from 'zod';
import { logger } from '#shared/observability';
import { erpFromEnvironment, salesOrderKey, shipmentKey, wmsShipmentsFromEnvironment } from './clients.ts';

const erp = erpFromEnvironment();
const wms = wmsShipmentsFromEnvironment();

const InputSchema = z.object({
  brand: z.string().min(1),
  orderId: z.string().min(1),
  handoff: z.object({
    erp: z.object({ erpOrderId: z.string().min(1) }),
    shipments: z.array(z.object({ warehouseId: z.string().min(1), shipmentId: z.string().min(1) })),
  }),
});

export interface HandOffCancellation {
  readonly erpOrderCancelled: boolean;
  readonly shipments: readonly { warehouseId: string; shipmentId: string; cancelled: boolean }[];
}

/**
 * Task "Cancel ERP Order And Shipments" of the order-lifecycle state machine (lambda:invoke): the
 * compensation of the hand-off, when the customer cancelled while the order was being sent.
 * Undoes exactly what was created: the sales order and each shipment. Cancelling twice is a
 * no-op at both systems. A shipment the WMS can no longer cancel (already labelled) is reported
 * with `cancelled: false`, for the return flow.
 */
export async function handler(event: unknown): Promise<HandOffCancellation> {
  const { brand, orderId, handoff } = InputSchema.parse(event);
  logger.appendKeys({ brand, orderId });
  const [erpResult, ...shipmentResults] = await Promise.all([
    erp.cancelSalesOrder(handoff.erp.erpOrderId, salesOrderKey(brand, orderId)),
    ...handoff.shipments.map((shipment) => wms.cancelShipment(shipment.shipmentId, shipmentKey(brand, orderId, shipment.warehouseId))),
  ]);
  const result = {
    erpOrderCancelled: erpResult!.cancelled,
    shipments: handoff.shipments.map((shipment, index) => ({ ...shipment, cancelled: shipmentResults[index]!.cancelled })),
  };
  logger.info('hand-off cancelled', { ...result });
  return result;
}
