import { z } from 'zod';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { logger } from '#shared/observability';
import { shipmentKey, wmsShipmentsFromEnvironment } from './clients.ts';
import { shipmentFrom } from './domain/fulfilment-requests.ts';
import { withSubstitutions } from './substituted-order.ts';

const wms = wmsShipmentsFromEnvironment();

const InputSchema = z.object({
  order: CanonicalOrderSchema,
  substitutions: z.array(z.object({ originalSku: z.string(), substituteSku: z.string() })).default([]),
  shipments: z.array(z.object({ warehouseId: z.string().min(1), lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1) })).min(1),
});

export interface CreatedShipment {
  readonly warehouseId: string;
  readonly shipmentId: string;
  readonly created: boolean;
}

/**
 * Task "Create WMS Shipments" of the order-lifecycle state machine (lambda:invoke).
 * Input `{ order, substitutions, shipments }` (the routed shipments); output `{ shipments }`,
 * one WMS order per warehouse, and `submittedAt`, when the hand-off finished. Each is keyed by order and warehouse, so a retry after a partial
 * success creates only the missing ones. Errors as in Submit To ERP.
 */
export async function handler(event: unknown): Promise<{ shipments: CreatedShipment[]; submittedAt: string }> {
  const { order, substitutions, shipments } = InputSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId });
  const shipping = withSubstitutions(order, substitutions);
  // In parallel: each shipment has its own key, and one at a time a split order could outrun the function's timeout.
  const created: CreatedShipment[] = await Promise.all(
    shipments.map(async (shipment) => ({
      warehouseId: shipment.warehouseId,
      ...(await wms.createShipment(shipmentFrom(shipping, shipment.warehouseId, shipment.lines), shipmentKey(order.brand, order.orderId, shipment.warehouseId))),
    })),
  );
  logger.info('shipments in the WMS', { shipments: created });
  return { shipments: created, submittedAt: new Date().toISOString() };
}
