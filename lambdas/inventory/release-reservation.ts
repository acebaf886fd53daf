import type { PublishableEvent } from '#shared/event-publisher';
import type { RELEASE_REASONS } from '#shared/inventory-events';
import type { InventoryTable } from './adapters/inventory-table.ts';
import { stockLevelEvents } from './stock-events.ts';

/**
 * Gives an order's held units back and describes what happened. Idempotent: a reservation
 * already released or committed (or never made) releases nothing and yields no events, so a
 * duplicate cancellation or a replayed sweep publishes nothing twice.
 */
export async function releaseReservation(
  inventory: InventoryTable,
  orderKey: string,
  reason: (typeof RELEASE_REASONS)[number],
  correlationId: string,
): Promise<PublishableEvent[]> {
  if (!(await inventory.release(orderKey))) return [];
  const reservation = await inventory.reservation(orderKey);
  const lines = [...(reservation?.lines ?? [])];
  if (lines.length === 0) return [];
  const [brand = '', orderId = ''] = orderKey.split('#');
  return [
    { detailType: 'Inventory Released', detail: { brand, orderId, occurredAt: new Date().toISOString(), version: 1, correlationId, reason, lines } },
    ...(await stockLevelEvents(inventory, lines, 'reservation', correlationId)),
  ];
}
