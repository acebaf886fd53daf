import { z } from 'zod';
import { findBrand } from '#config/brands';
import { erpCustomerNumberFor } from '#config/fulfilment';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { logger } from '#shared/observability';
import { erpFromEnvironment, salesOrderKey } from './clients.ts';
import { salesOrderFrom } from './domain/fulfilment-requests.ts';
import { withSubstitutions } from './substituted-order.ts';

const erp = erpFromEnvironment();

const InputSchema = z.object({
  order: CanonicalOrderSchema,
  substitutions: z.array(z.object({ originalSku: z.string(), substituteSku: z.string() })).default([]),
});

/**
 * Task "Submit To ERP" of the order-lifecycle state machine (lambda:invoke).
 * Input `{ order, substitutions }`; output `{ erpOrderId, number, created }`. The idempotency key
 * is the order itself, so a retried or replayed step finds the sales order it already created.
 * Errors are TransientFulfilmentError (the workflow retries) or PermanentFulfilmentError (it
 * escalates); their names are what the state's Retry and Catch match.
 */
export async function handler(event: unknown): Promise<{ erpOrderId: string; number: string; created: boolean }> {
  const { order, substitutions } = InputSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId });
  const brand = findBrand(order.brand);
  if (!brand) throw new Error(`unknown brand ${order.brand}`);
  const result = await erp.createSalesOrder(salesOrderFrom(withSubstitutions(order, substitutions), { customerNumber: erpCustomerNumberFor(brand) }), salesOrderKey(order.brand, order.orderId));
  logger.info('sales order in the ERP', { ...result });
  return result;
}
