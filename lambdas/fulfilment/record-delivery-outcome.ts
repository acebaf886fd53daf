import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { isDetailType, parseDetail } from '#shared/events';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { locatePostalCode } from '#shared/postal/geo';
import { RtoStatsTable } from './adapters/rto-stats-table.ts';

const rtoStats = new RtoStatsTable(requiredEnv('RTO_STATS_TABLE_NAME'));
const processor = new BatchProcessor(EventType.SQS);

/**
 * One `Order Delivered` or `Order Returned`: counts the outcome toward the destination's RTO
 * risk at pincode, district, state and national level, once per order. A replay changes nothing;
 * a returned parcel first reported delivered moves its count; an outcome older than the one
 * counted is ignored.
 */
async function recordOutcome(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as { 'detail-type': string; detail: unknown };
  const detailType = envelope['detail-type'];
  if (!isDetailType(detailType) || (detailType !== 'Order Delivered' && detailType !== 'Order Returned')) throw new Error(`unexpected detail-type "${detailType}"`);
  const outcome = parseDetail(detailType, envelope.detail);
  const place = locatePostalCode(outcome.destination.country, outcome.destination.postalCode);
  const result = await rtoStats.recordOutcome({
    country: outcome.destination.country,
    pincode: outcome.destination.postalCode,
    district: place?.district,
    state: place?.state,
    payment: outcome.paymentMethod,
    outcome: detailType === 'Order Delivered' ? 'delivered' : 'returned',
    orderKey: `${outcome.brand}#${outcome.orderId}`,
    at: outcome.occurredAt,
  });
  metrics.addMetric(`DeliveryOutcome${result[0]!.toUpperCase()}${result.slice(1)}`, MetricUnit.Count, 1);
  logger.info('delivery outcome', { brand: outcome.brand, orderId: outcome.orderId, detailType, result });
}

/** SQS event source mapping on the delivery-outcomes queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, recordOutcome, processor, { context });
  } finally {
    flushMetrics();
  }
}
