import { z } from 'zod';
import { WMS_LOCATION_IDS } from '#config/fulfilment';
import { CachedSecrets } from '#shared/cached-secrets';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { logger } from '#shared/observability';
import { ShipBobWms } from './adapters/shipbob-wms.ts';
import { shipmentFrom } from './domain/fulfilment-requests.ts';
import { withSubstitutions } from './substituted-order.ts';

const secrets = new CachedSecrets();
const tokenSecret = requiredEnv('WMS_SHIPMENTS_TOKEN_SECRET_NAME');
const wms = new ShipBobWms({
  baseUrl: requiredEnv('WMS_SHIPMENTS_BASE_URL'),
  channelId: requiredEnv('WMS_SHIPMENTS_CHANNEL_ID'),
  locationIds: WMS_LOCATION_IDS,
  accessToken: () => secrets.require(tokenSecret),
});

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
      ...(await wms.createShipment(shipmentFrom(shipping, shipment.warehouseId, shipment.lines), `${order.brand}-${order.orderId}-${shipment.warehouseId}`)),
    })),
  );
  logger.info('shipments in the WMS', { shipments: created });
  return { shipments: created, submittedAt: new Date().toISOString() };
}
