import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '#shared/environment';
import { parseDetail } from '#shared/events';
import { logger, metrics } from '#shared/observability';
import { executionNameFor } from './domain/execution-name.ts';

const stateMachineArn = requiredEnv('ORDER_LIFECYCLE_STATE_MACHINE_ARN');
const sfn = new SFNClient({});
const processor = new BatchProcessor(EventType.SQS);

/**
 * One record: an `Order Received` event, delivered to the queue by the bus rule. Starts the
 * order's execution under its deterministic name; a start that already exists is the duplicate
 * delivery (or archive replay) this design expects, so it counts as done.
 */
async function startExecution(record: SQSRecord): Promise<void> {
  const envelope = JSON.parse(record.body) as { 'detail-type': string; detail: unknown; 'replay-name'?: string };
  const detail = parseDetail('Order Received', envelope.detail);
  const name = executionNameFor(detail.brand, detail.orderId);
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(detail) }),
    );
    logger.info('order lifecycle started', { executionArn, replay: envelope['replay-name'] });
    metrics.addMetric('OrderLifecycleStarted', MetricUnit.Count, 1);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ExecutionAlreadyExists') throw error;
    logger.info('order lifecycle already exists; duplicate delivery ignored', { name });
    metrics.addMetric('DuplicateOrderIgnored', MetricUnit.Count, 1);
  }
}

/** SQS event source mapping on the order-intake queue, reporting partial batch failures. */
export async function handler(event: SQSEvent, context: Context) {
  try {
    return await processPartialResponse(event, startExecution, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
}
