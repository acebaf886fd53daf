import { z } from 'zod';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher, type PublishableEvent } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { findBrand } from '#config/brands';
import { substitutionRulesFor } from '#config/catalog';
import { InventoryTable } from './adapters/inventory-table.ts';
import { stockLevelEvents } from './stock-events.ts';
import { reserveOrder, type ReserveResult } from './domain/reserve-order.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const holdMs = Number(requiredEnv('RESERVATION_HOLD_MINUTES')) * 60_000;

const InputSchema = z.object({
  order: CanonicalOrderSchema,
  mode: z.enum(['shadow', 'live']),
  correlationId: z.string().min(1),
});

/**
 * Task "Reserve Stock" of the order-lifecycle state machine (lambda:invoke).
 * Input: `{ order, mode, correlationId }`. Output: RESERVED with the warehouse, lines and any
 * substitutions; SHORTFALL with what is missing; or CLOSED for a reservation already settled;
 * with `decidedAt`, which the workflow records as the acceptance time. Events go out only for a
 * new outcome, so a retried step publishes nothing twice.
 */
export async function handler(event: unknown): Promise<ReserveResult & { decidedAt: string }> {
  const { order, mode, correlationId } = InputSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId, mode });
  const brand = findBrand(order.brand);
  if (!brand) throw new Error(`unknown brand ${order.brand}`);
  try {
    const result = await reserveOrder(inventory, {
      orderKey: `${order.brand}#${order.orderId}`,
      items: order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      warehouseIds: brand.warehouses,
      rules: substitutionRulesFor(brand),
      expiresAt: Date.now() + holdMs,
      dryRun: mode === 'shadow',
    });
    logger.info('stock reservation', { result });
    metrics.addMetric(`Reservation${result.status[0]}${result.status.slice(1).toLowerCase()}`, MetricUnit.Count, 1);
    await publisher.publish(await eventsFor(result, { brand: order.brand, orderId: order.orderId, mode, correlationId }));
    return { ...result, decidedAt: new Date().toISOString() };
  } finally {
    flushMetrics();
  }
}

async function eventsFor(result: ReserveResult, context: { brand: string; orderId: string; mode: 'shadow' | 'live'; correlationId: string }): Promise<PublishableEvent[]> {
  const envelope = { brand: context.brand, orderId: context.orderId, occurredAt: new Date().toISOString(), version: 1, correlationId: context.correlationId };
  if (result.status === 'SHORTFALL') return [{ detailType: 'Inventory Shortfall', detail: { ...envelope, mode: context.mode, short: [...result.short] } }];
  if (result.status !== 'RESERVED' || result.replayed) return [];
  const { warehouseId, lines, substitutions } = result;
  return [
    { detailType: 'Inventory Reserved', detail: { ...envelope, mode: context.mode, warehouseId, lines: [...lines], substitutions: [...substitutions] } },
    ...substitutions.map((substitution) => ({ detailType: 'Item Substituted' as const, detail: { ...envelope, mode: context.mode, warehouseId, substitution } })),
    // Shadow reservations hold nothing, so stock did not change.
    ...(context.mode === 'live' ? await stockLevelEvents(inventory, lines, 'reservation', context.correlationId) : []),
  ];
}
