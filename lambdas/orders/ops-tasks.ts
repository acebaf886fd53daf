import { createHash } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { resumeTask } from '#shared/task-token';
import type { OpsTasksTable, OpsTask, StoredOpsTask } from './adapters/ops-tasks-table.ts';
import { checkResolution, describeEscalation, type EscalationState, type OpsAction } from './domain/ops-task.ts';
import { executionNameFor } from './domain/execution-name.ts';

/** What the workflow receives when ops decide (the Escalate To Ops task's output). */
export interface OpsDecision {
  readonly action: OpsAction;
  readonly note: string;
  /** The step a retry resumes at, or `none`. */
  readonly resumeAt: string;
  /** Who decided and when, kept on the order with the decision. */
  readonly by: string;
  readonly at: string;
}

export type ResolveOutcome =
  | { readonly outcome: 'resolved'; readonly task: OpsTask }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'refused'; readonly reason: string }
  | { readonly outcome: 'already-closed'; readonly task: OpsTask }
  | { readonly outcome: 'superseded'; readonly task: OpsTask };

/** Short enough to type in the CLI, stable for one escalation (a retried step opens the same task). */
export function taskIdFor(orderId: string, taskToken: string): string {
  return `${orderId}-${createHash('sha256').update(taskToken).digest('hex').slice(0, 6)}`;
}

/**
 * Opening and resolving ops tasks, for the workflow's Escalate To Ops step, the ops API and the
 * ops CLI alike.
 */
export class OpsTasks {
  constructor(
    private readonly table: OpsTasksTable,
    private readonly stepFunctions: SFNClient = new SFNClient({}),
  ) {}

  async open(state: EscalationState, taskToken: string, now: Date): Promise<OpsTask> {
    const task: StoredOpsTask = {
      taskId: taskIdFor(state.orderId, taskToken),
      brand: state.brand,
      orderId: state.orderId,
      executionName: executionNameFor(state.brand, state.orderId),
      openedAt: now.toISOString(),
      status: 'OPEN',
      ...describeEscalation(state),
      taskToken,
    };
    await this.table.open(task);
    const { taskToken: _token, ...shown } = task;
    return shown;
  }

  /**
   * Resumes the execution with ops' decision, then closes the task. The execution is resumed
   * first: if closing fails, the task stays listed and resolving it again finds the execution
   * moved on (superseded), rather than a closed task whose execution still waits.
   */
  async resolve(taskId: string, action: string, note: string, by: string, now: Date): Promise<ResolveOutcome> {
    const stored = await this.table.get(taskId);
    if (!stored) return { outcome: 'not-found' };
    const { taskToken, ...task } = stored;
    if (task.status !== 'OPEN') return { outcome: 'already-closed', task };
    const check = checkResolution(task.failedStep, action);
    if (!check.ok) return { outcome: 'refused', reason: check.reason };
    const resolution = { action: action as OpsAction, note, by, at: now.toISOString() };
    const decision: OpsDecision = { action: resolution.action, note, resumeAt: task.failedStep, by, at: resolution.at };
    if ((await resumeTask(this.stepFunctions, taskToken, decision)) === 'settled') {
      // Someone else resolved it a moment ago, or the execution ended (stopped, timed out).
      const fresh = await this.table.get(taskId);
      if (fresh && fresh.status !== 'OPEN') return { outcome: 'already-closed', task: withoutToken(fresh) };
      await this.table.close(taskId, 'SUPERSEDED', resolution);
      return { outcome: 'superseded', task: { ...task, status: 'SUPERSEDED' } };
    }
    await this.table.close(taskId, 'RESOLVED', resolution);
    return { outcome: 'resolved', task: { ...task, status: 'RESOLVED', resolution } };
  }
}

function withoutToken(stored: StoredOpsTask): OpsTask {
  const { taskToken: _token, ...task } = stored;
  return task;
}
