import { z } from 'zod';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { logger } from '#shared/observability';
import { OrdersTable } from './adapters/orders-table.ts';
import { createReplyToken } from './domain/address-reply.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.orders);
const linkKeySecret = requiredEnv('TRACKING_LINK_KEY_SECRET');
const secrets = new CachedSecrets();

const InputSchema = z.object({
  brand: z.string().min(1),
  orderId: z.string().min(1),
  correlationId: z.string().min(1),
  taskToken: z.string().min(1),
  shipsTo: z.object({ city: z.string(), postalCode: z.string() }),
  confirmation: z.object({ risk: z.number(), timeoutSeconds: z.number().int().positive(), onTimeout: z.enum(['cancel', 'proceed']) }),
});

/** The order was cancelled before the question went out; the workflow's Catch stops here. */
export class OrderNoLongerAcceptedError extends Error {
  constructor(brand: string, orderId: string) {
    super(`order ${brand}/${orderId} is no longer accepted; no confirmation was requested`);
    this.name = 'OrderNoLongerAcceptedError';
  }
}

/**
 * Task "Confirm Address With Customer" of the order-lifecycle state machine
 * (lambda:invoke.waitForTaskToken). Parks the token on the order (status
 * AWAITING_ADDRESS_CONFIRMATION) and publishes Address Confirmation Requested with a signed reply
 * path; the customer's answer (yes, edit, cancel) resumes the execution, or the brand's timeout
 * policy acts on silence.
 */
export async function handler(event: unknown): Promise<{ requested: true }> {
  const { brand, orderId, correlationId, taskToken, shipsTo, confirmation } = InputSchema.parse(event);
  logger.appendKeys({ brand, orderId });
  const now = new Date();
  const expiresAt = new Date(now.getTime() + confirmation.timeoutSeconds * 1000).toISOString();
  if (!(await orders.awaitAddressConfirmation(brand, orderId, { taskToken, requestedAt: now.toISOString(), expiresAt }))) throw new OrderNoLongerAcceptedError(brand, orderId);
  const token = createReplyToken(await secrets.require(linkKeySecret), { brand, orderId }, now);
  await publisher.publish([
    {
      detailType: 'Address Confirmation Requested',
      detail: { brand, orderId, occurredAt: now.toISOString(), version: 2, correlationId, replyPath: `/address-confirmations/${token}`, expiresAt, onTimeout: confirmation.onTimeout, risk: confirmation.risk, shipsTo },
    },
  ]);
  logger.info('address confirmation requested', { risk: confirmation.risk, expiresAt });
  return { requested: true };
}
