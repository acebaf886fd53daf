import { CanonicalOrderSchema } from '#shared/canonical-order';
import { logger } from '#shared/observability';
import { validateOrder, type OrderValidation } from './domain/validate-order.ts';

/**
 * Task "Validate Order" of the order-lifecycle state machine (lambda:invoke).
 * Input: the canonical order. Output: `{ valid, reasons }`, which the workflow branches on.
 * A payload that is not a canonical order throws, and the workflow's Catch records the failure.
 */
export async function handler(event: unknown): Promise<OrderValidation> {
  const order = CanonicalOrderSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId });
  const result = validateOrder(order, new Date());
  logger.info('order validated', { valid: result.valid, reasons: result.reasons });
  return result;
}
