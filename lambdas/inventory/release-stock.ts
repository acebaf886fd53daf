import { z } from 'zod';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher } from '#shared/event-publisher';
import { RELEASE_REASONS } from '#shared/inventory-events';
import { logger } from '#shared/observability';
import { InventoryTable } from './adapters/inventory-table.ts';
import { releaseReservation } from './release-reservation.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);

const InputSchema = z.object({
  brand: z.string().min(1),
  orderId: z.string().min(1),
  reason: z.enum(RELEASE_REASONS),
  correlationId: z.string().min(1),
});

/**
 * Task "Release Stock" of the order-lifecycle state machine (lambda:invoke): the compensation of
 * Reserve And Route. Input `{ brand, orderId, reason, correlationId }`; output `{ released }`.
 * Releasing twice, or when nothing was held, is a no-op.
 */
export async function handler(event: unknown): Promise<{ released: boolean }> {
  const { brand, orderId, reason, correlationId } = InputSchema.parse(event);
  logger.appendKeys({ brand, orderId });
  const events = await releaseReservation(inventory, `${brand}#${orderId}`, reason, correlationId);
  await publisher.publish(events);
  logger.info('stock released', { reason, released: events.length > 0 });
  return { released: events.length > 0 };
}
