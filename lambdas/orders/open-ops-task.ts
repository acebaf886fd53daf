import { z } from 'zod';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '#shared/environment';
import { flushMetrics, logger, metrics } from '#shared/observability';
import { OpsTasksTable } from './adapters/ops-tasks-table.ts';
import type { EscalationState } from './domain/ops-task.ts';
import { OpsTasks } from './ops-tasks.ts';

const tasks = new OpsTasks(new OpsTasksTable(requiredEnv('OPS_TASKS_TABLE_NAME')));

const InputSchema = z.object({
  taskToken: z.string().min(1),
  state: z.looseObject({ brand: z.string().min(1), orderId: z.string().min(1) }),
});

/**
 * Task "Escalate To Ops" of the order-lifecycle state machine (lambda:invoke.waitForTaskToken).
 * Input: the execution's whole state at the failure, and the task token. Opens an ops task with
 * the failure, what was done so far and the suggested actions; the execution waits until ops
 * resolve it through the ops API or CLI (retry, cancel, done).
 */
export async function handler(event: unknown): Promise<{ taskId: string }> {
  const { taskToken, state } = InputSchema.parse(event);
  logger.appendKeys({ brand: state.brand, orderId: state.orderId });
  try {
    const task = await tasks.open(state as EscalationState, taskToken, new Date());
    metrics.addMetric('OpsTaskOpened', MetricUnit.Count, 1);
    logger.warn('escalated to ops', { taskId: task.taskId, error: task.error, problem: task.problem, failedStep: task.failedStep });
    return { taskId: task.taskId };
  } finally {
    flushMetrics();
  }
}
