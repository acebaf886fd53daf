import { z } from 'zod';
import { findBrand } from '#config/brands';
import { erpCustomerNumberFor } from '#config/fulfilment';
import { CachedSecrets } from '#shared/cached-secrets';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { logger } from '#shared/observability';
import { BusinessCentralErp } from './adapters/business-central-erp.ts';
import { salesOrderFrom } from './domain/fulfilment-requests.ts';
import { withSubstitutions } from './substituted-order.ts';

const secrets = new CachedSecrets();
const tokenSecret = requiredEnv('ERP_ACCESS_TOKEN_SECRET_NAME');
const erp = new BusinessCentralErp({ baseUrl: requiredEnv('ERP_BASE_URL'), companyId: requiredEnv('ERP_COMPANY_ID'), accessToken: () => secrets.require(tokenSecret) });

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
  const result = await erp.createSalesOrder(salesOrderFrom(withSubstitutions(order, substitutions), { customerNumber: erpCustomerNumberFor(brand) }), `${order.brand}-${order.orderId}`);
  logger.info('sales order in the ERP', { ...result });
  return result;
}
