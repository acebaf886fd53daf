import { z } from 'zod';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { findBrand } from '#config/brands';
import { addressConfirmationPolicyFor } from '#config/routing';
import { CanonicalOrderSchema, type PaymentMethod } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { EVENT_SOURCES } from '#shared/events';
import { EventPublisher, type PublishableEvent } from '#shared/event-publisher';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { locatePostalCode } from '#shared/postal/geo';
import { RtoStatsTable } from '../fulfilment/adapters/rto-stats-table.ts';
import { addressConfirmationFor, type AddressConfirmationDecision } from '../fulfilment/domain/address-confirmation.ts';
import { estimateRtoRisk } from '../fulfilment/domain/rto-risk.ts';
import { InventoryTable } from './adapters/inventory-table.ts';
import { reserveOrder } from './domain/reserve-order.ts';
import { planOrder, stockKeysFor, type PlannedSubstitution } from './plan-order.ts';
import { stockLevelEvents } from './stock-events.ts';

const inventory = new InventoryTable(requiredEnv('INVENTORY_TABLE_NAME'));
const rtoStats = new RtoStatsTable(requiredEnv('RTO_STATS_TABLE_NAME'));
const publisher = new EventPublisher(requiredEnv('EVENT_BUS_NAME'), EVENT_SOURCES.inventory);
const holdMs = Number(requiredEnv('RESERVATION_HOLD_MINUTES')) * 60_000;

const InputSchema = z.object({
  order: CanonicalOrderSchema,
  mode: z.enum(['shadow', 'live']),
  correlationId: z.string().min(1),
});

interface ShipmentSummary {
  readonly warehouseId: string;
  readonly lines: readonly { sku: string; quantity: number }[];
  readonly promisedDeliveryDate: string;
  readonly etaDays: number;
  readonly costMinor: number;
  readonly currency: string;
  readonly zone: string;
}

export type ReserveAndRouteOutput =
  | {
      readonly status: 'RESERVED';
      /** The first shipment's warehouse: the whole order's when it ships in one parcel. */
      readonly warehouseId: string;
      readonly shipments: readonly ShipmentSummary[];
      readonly lines: readonly { sku: string; warehouseId: string; quantity: number }[];
      readonly substitutions: readonly PlannedSubstitution[];
      readonly routing: { kind: 'single' | 'split'; reasons: readonly string[]; alternatives: unknown };
      readonly rtoRisk: number;
      /** Whether to confirm the address with a COD customer before shipping (the brand's policy). */
      readonly addressConfirmation: AddressConfirmationDecision;
      readonly replayed: boolean;
      readonly decidedAt: string;
    }
  | { readonly status: 'SHORTFALL'; readonly short: readonly { sku: string; requested: number; bestAvailable: number }[]; readonly decidedAt: string }
  | { readonly status: 'CLOSED'; readonly was: string; readonly decidedAt: string };

/**
 * Task "Reserve And Route" of the order-lifecycle state machine (lambda:invoke).
 * Input: `{ order, mode, correlationId }`. Routes the order over the brand's warehouses (cost,
 * speed, stock health, RTO risk for the destination and payment method) and holds the stock of
 * every shipment, all or nothing. Output: RESERVED with the shipments, promised dates, reasons
 * and any substitutions; SHORTFALL with what is missing; or CLOSED for a reservation already
 * settled; with `decidedAt`, which the workflow records as the acceptance time. Events go out
 * only for a new outcome, so a retried step publishes nothing twice.
 */
export async function handler(event: unknown): Promise<ReserveAndRouteOutput> {
  const { order, mode, correlationId } = InputSchema.parse(event);
  logger.appendKeys({ brand: order.brand, orderId: order.orderId, mode });
  const brand = findBrand(order.brand);
  if (!brand) throw new Error(`unknown brand ${order.brand}`);
  const destination = locatePostalCode(order.shippingAddress.country, order.shippingAddress.postalCode);
  // Validate Order refuses unknown postal codes, so this is a defect, not bad input.
  if (!destination) throw new Error(`postal code ${order.shippingAddress.postalCode} (${order.shippingAddress.country}) cannot be located`);
  try {
    const stats = await rtoStats.statsFor({ country: destination.country, pincode: destination.postalCode, district: destination.district, state: destination.state });
    const rtoRisk = Object.fromEntries((['cod', 'prepaid'] as const).map((payment) => [payment, estimateRtoRisk(stats, payment).risk])) as Record<PaymentMethod, number>;
    const input = {
      brand,
      lines: order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      destination,
      paymentMethod: order.paymentMethod,
      orderedAt: new Date(order.createdAt),
      rtoRisk,
    };
    const result = await reserveOrder(inventory, {
      orderKey: `${order.brand}#${order.orderId}`,
      stockKeys: stockKeysFor(input),
      plan: (levels) => planOrder(input, levels),
      expiresAt: Date.now() + holdMs,
      dryRun: mode === 'shadow',
    });
    // Events carry the moment stock was decided; acceptance (decidedAt) is recorded just after it, so timelines read in order.
    const reservedAt = new Date();
    const decidedAt = new Date(reservedAt.getTime() + 1).toISOString();
    const output: ReserveAndRouteOutput =
      result.status === 'RESERVED'
        ? {
            status: 'RESERVED',
            warehouseId: (result.details.warehouseIds as string[])[0]!,
            shipments: result.details.shipments as ShipmentSummary[],
            lines: result.lines,
            substitutions: result.details.substitutions as PlannedSubstitution[],
            routing: result.details.routing as { kind: 'single' | 'split'; reasons: string[]; alternatives: unknown },
            rtoRisk: rtoRisk[order.paymentMethod],
            addressConfirmation: addressConfirmationFor(addressConfirmationPolicyFor(brand), order.paymentMethod, rtoRisk[order.paymentMethod]),
            replayed: result.replayed,
            decidedAt,
          }
        : { ...result, decidedAt };
    logger.info('reserve and route', { output });
    metrics.addMetric(`Reservation${result.status[0]}${result.status.slice(1).toLowerCase()}`, MetricUnit.Count, 1);
    await publisher.publish(await eventsFor(output, { brand: order.brand, orderId: order.orderId, mode, correlationId, occurredAt: reservedAt.toISOString() }));
    return output;
  } finally {
    flushMetrics();
  }
}

async function eventsFor(output: ReserveAndRouteOutput, context: { brand: string; orderId: string; mode: 'shadow' | 'live'; correlationId: string; occurredAt: string }): Promise<PublishableEvent[]> {
  const envelope = { brand: context.brand, orderId: context.orderId, occurredAt: context.occurredAt, version: 1, correlationId: context.correlationId };
  if (output.status === 'SHORTFALL') return [{ detailType: 'Inventory Shortfall', detail: { ...envelope, mode: context.mode, short: [...output.short] } }];
  if (output.status !== 'RESERVED' || output.replayed) return [];
  const { shipments, lines, substitutions, routing } = output;
  return [
    { detailType: 'Fulfillment Routed', detail: { ...envelope, mode: context.mode, kind: routing.kind, shipments: shipments.map((shipment) => ({ ...shipment, lines: [...shipment.lines] })), reasons: [...routing.reasons] } },
    { detailType: 'Inventory Reserved', detail: { ...envelope, mode: context.mode, warehouseIds: shipments.map((shipment) => shipment.warehouseId), lines: [...lines], substitutions: [...substitutions] } },
    ...substitutions.map((substitution) => ({ detailType: 'Item Substituted' as const, detail: { ...envelope, mode: context.mode, substitution } })),
    // Shadow reservations hold nothing, so stock did not change.
    ...(context.mode === 'live' ? await stockLevelEvents(inventory, lines, 'reservation', context.correlationId) : []),
  ];
}
