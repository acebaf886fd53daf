import type { SFNClient } from '@aws-sdk/client-sfn';
import { OpsTasksTable, type OpsTask } from '../../lambdas/orders/adapters/ops-tasks-table.ts';
import { OpsTasks } from '../../lambdas/orders/ops-tasks.ts';
import { opsTasksTableName } from '../../lib/constructs/data-table.ts';
import type { Target } from './config-commands.ts';

function age(openedAt: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(openedAt)) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

function describe(task: OpsTask, now: Date): string[] {
  const context = task.context;
  return [
    `${task.taskId}  ${task.brand}/${task.orderId}${context.orderNumber ? ` (${context.orderNumber})` : ''}  open ${age(task.openedAt, now)}  failed at ${task.failedStep === 'none' ? 'a step that cannot be retried' : task.failedStep}`,
    `    ${task.error}: ${task.problem}`,
    ...(context.warehouses.length > 0 ? [`    routed to ${context.warehouses.join(' + ')}${context.erpOrderNumber ? `, ERP ${context.erpOrderNumber}` : ''}${context.shipmentIds.length > 0 ? `, shipments ${context.shipmentIds.join(', ')}` : ''}`] : []),
    ...task.suggestedActions.map((suggestion) => `    → ${suggestion.action}: ${suggestion.why}`),
  ];
}

/** Open ops tasks, oldest first, of one brand or all. */
export async function listTasks({ environment, client }: Target, brand: string | undefined, now = new Date()): Promise<string[]> {
  const tasks = await new OpsTasksTable(opsTasksTableName(environment), client).listOpen({ brand });
  if (tasks.length === 0) return [`no open ops tasks${brand ? ` for ${brand}` : ''}`];
  return tasks.flatMap((task) => describe(task, now));
}

/** Resumes the order behind `taskId` with ops' decision. */
export async function resolveTask({ environment, client }: Target, stepFunctions: SFNClient, taskId: string, action: string, note: string, by: string): Promise<string> {
  const result = await new OpsTasks(new OpsTasksTable(opsTasksTableName(environment), client), stepFunctions).resolve(taskId, action, note, by, new Date());
  switch (result.outcome) {
    case 'resolved':
      return `${taskId}: ${action} sent; ${result.task.brand}/${result.task.orderId} is moving again`;
    case 'not-found':
      throw new Error(`no ops task ${taskId}`);
    case 'refused':
      throw new Error(result.reason);
    case 'already-closed':
      throw new Error(`${taskId} is already ${result.task.status}${result.task.resolution ? ` (${result.task.resolution.action} by ${result.task.resolution.by})` : ''}`);
    case 'superseded':
      throw new Error(`${taskId}: the order's execution no longer waits for it (stopped or timed out); nothing was resumed`);
  }
}
