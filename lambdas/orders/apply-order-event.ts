import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { isDetailType, parseDetail, type OrderSnapshot } from '#shared/events';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { LegacyHandoff, LifecycleStarter } from './adapters/order-lifecycle.ts';
import { ModeConfig } from './adapters/mode-config.ts';
import { OrdersTable } from './adapters/orders-table.ts';
import { applyPayment, type PaymentState } from './domain/payment-state.ts';
import { actionsFor, decideRoute } from './domain/routing.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const modes = new ModeConfig(requiredEnv('CONFIG_TABLE_NAME'));
const lifecycle = new LifecycleStarter(requiredEnv('ORDER_LIFECYCLE_STATE_MACHINE_ARN'));
const legacy = new LegacyHandoff(requiredEnv('LEGACY_HANDOFF_QUEUE_URL'));
const processor = new BatchProcessor(EventType.SQS);

interface BusEnvelope {
  readonly id: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
  readonly 'replay-name'?: string;
}

/** Longer than one invocation may run (its timeout), so a live holder never loses its lease. */
const HANDOFF_LEASE_MS = 60_000;

const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);

/** A new order (or a later copy of it) goes where its recorded route says; the first copy records it. */
async function route(snapshot: OrderSnapshot, holder: string): Promise<void> {
  const { brand, orderId } = snapshot;
  const settings = await modes.settingsFor(brand);
  const item = await orders.claimRoute(brand, orderId, decideRoute(settings), new Date().toISOString());
  if (!item?.route) {
    count('CancelledBeforeRouting');
    return;
  }
  const actions = actionsFor(item.route);
  if (actions.handToLegacy && !item.legacyHandedOffAt) {
    const claim = await orders.claimLegacyHandoff(brand, orderId, holder, Date.now(), HANDOFF_LEASE_MS);
    // Another copy of this event is handing the order over right now; retry once it has finished.
    if (claim === 'held') throw new Error(`legacy hand-off of ${brand}/${orderId} is in progress in another invocation`);
    if (claim === 'claimed') {
      await legacy.send({ brand, orderId, route: item.route, order: JSON.parse(item.order ?? 'null'), correlationId: snapshot.correlationId });
      if (await orders.markHandedToLegacy(brand, orderId, new Date().toISOString())) count('HandedToLegacy');
    }
  }
  if (actions.flow) {
    const { topic: _topic, triggeredAt: _triggeredAt, archiveKey: _archiveKey, ...start } = snapshot;
    if (await lifecycle.start(brand, orderId, { ...start, mode: actions.flow })) count(actions.flow === 'live' ? 'OrderLifecycleStarted' : 'ShadowLifecycleStarted');
    else count('DuplicateOrderIgnored');
  }
}

async function applyPaymentEvent(type: 'captured' | 'failed', brand: string, orderId: string, paymentId: string, version: number): Promise<void> {
  // Optimistic concurrency: re-read and retry when another copy changed the payment meanwhile.
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await orders.get(brand, orderId);
    const current = item?.payment ? (JSON.parse(item.payment) as PaymentState) : undefined;
    const { state, changed } = applyPayment(current, { type, paymentId, version });
    if (!changed) return;
    if (await orders.writePayment(brand, orderId, state, item?.paymentRevision)) return;
  }
  throw new Error(`payment state of ${brand}/${orderId} kept changing under concurrent writes`);
}

/**
 * One record: an order or payment event from the bus. Applies it to the orders table (newest
 * state wins), records it on the order's timeline, and for a new order decides its route once.
 */
async function applyRecord(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as BusEnvelope;
  const detailType = envelope['detail-type'];
  if (!isDetailType(detailType)) throw new Error(`unexpected detail-type "${detailType}"`);
  logger.appendKeys({ detailType, eventId: envelope.id, replay: envelope['replay-name'] });

  switch (detailType) {
    case 'Order Received':
    case 'Order Updated':
    case 'Order Cancelled': {
      const snapshot = parseDetail(detailType, envelope.detail);
      const outcome = await orders.applySnapshot(snapshot);
      if (outcome === 'stale') count('StaleUpdateIgnored');
      await orders.recordTimeline(snapshot.brand, snapshot.orderId, {
        detailType,
        occurredAt: snapshot.occurredAt,
        eventId: envelope.id,
        summary: { topic: snapshot.topic, version: snapshot.version, applied: outcome === 'applied', financialStatus: snapshot.order.financialStatus },
      });
      if (detailType !== 'Order Cancelled') await route(snapshot, randomUUID());
      return;
    }
    case 'Payment Captured':
    case 'Payment Failed': {
      const payment = parseDetail(detailType, envelope.detail);
      await applyPaymentEvent(detailType === 'Payment Captured' ? 'captured' : 'failed', payment.brand, payment.orderId, payment.paymentId, payment.version);
      await orders.recordTimeline(payment.brand, payment.orderId, {
        detailType,
        occurredAt: payment.occurredAt,
        eventId: envelope.id,
        summary: { paymentId: payment.paymentId, amountMinor: payment.amountMinor, currency: payment.currency, method: payment.method },
      });
      return;
    }
    case 'Order Rejected': {
      const rejection = parseDetail(detailType, envelope.detail);
      if (rejection.stage === 'intake') await orders.recordRejection(rejection.brand, rejection);
      await orders.recordTimeline(rejection.brand, rejection.orderId, {
        detailType,
        occurredAt: rejection.occurredAt,
        eventId: envelope.id,
        summary: { stage: rejection.stage, reasons: rejection.reasons },
      });
      return;
    }
    case 'Order Accepted': {
      const accepted = parseDetail(detailType, envelope.detail);
      await orders.recordTimeline(accepted.brand, accepted.orderId, { detailType, occurredAt: accepted.occurredAt, eventId: envelope.id, summary: { mode: accepted.mode } });
      return;
    }
    case 'Inventory Reserved':
    case 'Inventory Shortfall':
    case 'Inventory Released':
    case 'Item Substituted':
    case 'Fulfillment Routed':
    case 'Order Submitted':
    case 'Order Delivered':
    case 'Order Returned':
    case 'Shipment Dispatched':
    case 'Shipment In Transit':
    case 'Shipment Out For Delivery':
    case 'Delivery Attempt Failed':
    case 'Return To Origin Started':
    case 'Return Requested':
    case 'Shipment Delayed':
    case 'Address Confirmation Requested': {
      const { brand, orderId, occurredAt, version: _version, correlationId: _correlationId, ...summary } = parseDetail(detailType, envelope.detail);
      await orders.recordTimeline(brand, orderId, { detailType, occurredAt, eventId: envelope.id, summary });
      return;
    }
    default:
      throw new Error(`"${detailType}" is not applied to orders; the rule's pattern should not have delivered it`);
  }
}

/** SQS event source mapping on the order-events queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, applyRecord, processor, { context });
  } finally {
    flushMetrics();
  }
}
