import { z } from 'zod';
import { logger } from '#shared/observability';
import { erpFromEnvironment, salesOrderKey, shipmentKey, wmsShipmentsFromEnvironment } from './clients.ts';

const erp = erpFromEnvironment();
const wms = wmsShipmentsFromEnvironment();

const InputSchema = z.union([
  z.object({
    brand: z.string().min(1),
    orderId: z.string().min(1),
    handoff: z.object({
      erp: z.object({ erpOrderId: z.string().min(1) }),
      shipments: z.array(z.object({ warehouseId: z.string().min(1), shipmentId: z.string().min(1) })),
    }),
  }),
  z.object({
    brand: z.string().min(1),
    orderId: z.string().min(1),
    /** The routed warehouses, when the hand-off failed before it could say what it created. */
    warehouseIds: z.array(z.string().min(1)),
  }),
]);

export interface HandOffCancellation {
  readonly erpOrderCancelled: boolean;
  readonly shipments: readonly { warehouseId: string; shipmentId: string; cancelled: boolean }[];
}

/** What was created: as the hand-off reported it, or found under our idempotency keys when it never finished. */
async function createdFor(input: z.infer<typeof InputSchema>) {
  if ('handoff' in input) return { erpOrderId: input.handoff.erp.erpOrderId, shipments: input.handoff.shipments };
  const { brand, orderId } = input;
  const [salesOrder, shipments] = await Promise.all([
    erp.findSalesOrder(salesOrderKey(brand, orderId)),
    Promise.all(input.warehouseIds.map(async (warehouseId) => ({ warehouseId, found: await wms.findShipment(shipmentKey(brand, orderId, warehouseId)) }))),
  ]);
  return {
    erpOrderId: salesOrder?.erpOrderId,
    shipments: shipments.flatMap(({ warehouseId, found }) => (found ? [{ warehouseId, shipmentId: found.shipmentId }] : [])),
  };
}

/**
 * Tasks "Cancel ERP Order And Shipments" and "Cancel Hand-off For Ops" of the order-lifecycle
 * state machine (lambda:invoke): undoes exactly what the hand-off created, the sales order and
 * each shipment. Given the hand-off's result it cancels those ids; given only the routed
 * warehouses (the hand-off failed half-way and ops chose to cancel) it finds what exists under
 * our idempotency keys. Cancelling twice is a no-op at both systems. A shipment the WMS can no
 * longer cancel (already labelled) is reported with `cancelled: false`, for the return flow.
 */
export async function handler(event: unknown): Promise<HandOffCancellation> {
  const input = InputSchema.parse(event);
  const { brand, orderId } = input;
  logger.appendKeys({ brand, orderId });
  const created = await createdFor(input);
  const [erpResult, ...shipmentResults] = await Promise.all([
    created.erpOrderId === undefined ? { cancelled: true } : erp.cancelSalesOrder(created.erpOrderId, salesOrderKey(brand, orderId)),
    ...created.shipments.map((shipment) => wms.cancelShipment(shipment.shipmentId, shipmentKey(brand, orderId, shipment.warehouseId))),
  ]);
  const result = {
    erpOrderCancelled: erpResult!.cancelled,
    shipments: created.shipments.map((shipment, index) => ({ ...shipment, cancelled: shipmentResults[index]!.cancelled })),
  };
  logger.info('hand-off cancelled', { ...result, found: !('handoff' in input) });
  return result;
}
