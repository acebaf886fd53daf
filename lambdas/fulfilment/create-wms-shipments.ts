import { z } from 'zod';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { logger } from '#shared/observability';
import { ShipmentsTable } from './adapters/shipments-table.ts';
import { shipmentKey, wmsShipmentsFromEnvironment } from './clients.ts';
import { shipmentFrom } from './domain/fulfilment-requests.ts';
import { promiseDeadline } from './domain/tracking/milestones.ts';
import { withSubstitutions } from './substituted-order.ts';

const wms = wmsShipmentsFromEnvironment();
const shipmentsTable = new ShipmentsTable(requiredEnv('SHIPMENTS_TABLE_NAME'));

/**
 * How long a warehouse has to dispatch a shipment: the `TimeoutSeconds` of "Await Dispatch" in
 * statemachines/order-lifecycle.asl.json (an infra test keeps the two equal).
 */
export const DISPATCH_SLA_HOURS = 48;

const InputSchema = z.object({
  order: CanonicalOrderSchema,
  correlationId: z.string().min(1),
  substitutions: z.array(z.object({ originalSku: z.string(), substituteSku: z.string() })).default([]),
  shipments: z
    .array(
      z.object({
        warehouseId: z.string().min(1),
        promisedDeliveryDate: z.iso.date(),
        lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
      }),
    )
    .min(1),
});

export interface CreatedShipment {
  readonly warehouseId: string;
  readonly shipmentId: string;
  readonly created: boolean;
  /** The end of the promised delivery day in the customer's country. */
  readonly promisedBy: string;
  /** When the warehouse must have dispatched it. */
  readonly dispatchBy: string;
}

/**
 * Task "Create WMS Shipments" of the order-lifecycle state machine (lambda:invoke).
 * Input `{ order, correlationId, substitutions, shipments }` (the routed shipments); output
 * `{ shipments, submittedAt }`: one WMS order per warehouse, each with its promise, recorded for
 * tracking before the step ends so no dispatch webhook can find it missing. Each is keyed by
 * order and warehouse, so a retry after a partial success creates only the missing ones.
 * Errors as in Submit To ERP.
 */
export async function handler(event: unknown): Promise<{ shipments: CreatedShipment[]; submittedAt: string }> {
  const { order, correlationId, substitutions, shipments } = InputSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId });
  const shipping = withSubstitutions(order, substitutions);
  const now = new Date();
  const dispatchBy = new Date(now.getTime() + DISPATCH_SLA_HOURS * 3_600_000).toISOString();
  // In parallel: each shipment has its own key, and one at a time a split order could outrun the function's timeout.
  const created: CreatedShipment[] = await Promise.all(
    shipments.map(async (shipment) => {
      const result = await wms.createShipment(shipmentFrom(shipping, shipment.warehouseId, shipment.lines), shipmentKey(order.brand, order.orderId, shipment.warehouseId));
      const promisedBy = promiseDeadline(shipment.promisedDeliveryDate, order.shippingAddress.country);
      await shipmentsTable.register({
        shipmentId: result.shipmentId,
        brand: order.brand,
        orderId: order.orderId,
        warehouseId: shipment.warehouseId,
        correlationId,
        paymentMethod: order.paymentMethod,
        destination: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
        promisedBy,
        milestoneAt: now.toISOString(),
      });
      return { warehouseId: shipment.warehouseId, ...result, promisedBy, dispatchBy };
    }),
  );
  logger.info('shipments in the WMS', { shipments: created });
  return { shipments: created, submittedAt: new Date().toISOString() };
}
