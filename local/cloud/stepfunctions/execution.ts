/**
 * One execution of a registered state machine: runs it on aws-local-stepfunctions with every
 * Task served locally, and keeps what DescribeExecution and GetExecutionHistory report.
 */
import { ExecutionError, StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import type { Clock, LocalLogger } from '../contracts.ts';
import { deferred } from './deferred.ts';
import { ExecutionActivity } from './activity.ts';
import { TASK_TOKEN_PLACEHOLDER, type ParsedDefinition } from './definition.ts';
import { loadStatesTimeoutError } from './errors.ts';
import { ExecutionHistory } from './history.ts';
import type { TaskIntegrations } from './integrations.ts';
import { RetryPacer } from './retry-pacer.ts';
import { createTaskHandlers, noRunnerRetryPauses } from './task-handlers.ts';
import type { TaskTokenRegistry } from './task-tokens.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** Epoch milliseconds, local-cloud time. */
  readonly startDate: number;
  readonly stopDate?: number;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionSetup {
  readonly executionArn: string;
  readonly name: string;
  /** The input exactly as StartExecution received it (JSON text). */
  readonly input: string;
  readonly stateMachine: {
    readonly arn: string;
    readonly name: string;
    readonly roleArn: string | undefined;
    readonly definition: ParsedDefinition;
  };
  readonly clock: Clock;
  readonly logger: LocalLogger;
  readonly integrations: TaskIntegrations;
  readonly tokens: TaskTokenRegistry;
  /** Told whenever the execution's activity changes or it finishes. */
  readonly onActivity: () => void;
}

interface Closing {
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

const TERMINAL_EVENT: Record<Exclude<ExecutionStatus, 'RUNNING'>, string> = {
  SUCCEEDED: 'ExecutionSucceeded',
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
};

export class Execution {
  readonly history: ExecutionHistory;
  readonly activity: ExecutionActivity;
  /** Resolves once the execution is closed and its history is complete. */
  readonly finished: Promise<ExecutionDescription>;
  private status: ExecutionStatus = 'RUNNING';
  private readonly startDate: number;
  private stopDate: number | undefined;
  private closing: Closing = {};
  private historyComplete = false;
  private readonly closed = new AbortController();
  private readonly markFinished: (description: ExecutionDescription) => void;

  constructor(private readonly setup: ExecutionSetup) {
    this.startDate = setup.clock.now();
    this.history = new ExecutionHistory(setup.clock);
    this.activity = new ExecutionActivity(setup.onActivity);
    const { promise, resolve } = deferred<ExecutionDescription>();
    this.finished = promise;
    this.markFinished = resolve;
    this.history.add('ExecutionStarted', {
      input: setup.input,
      inputDetails: { truncated: false },
      ...(setup.stateMachine.roleArn === undefined ? {} : { roleArn: setup.stateMachine.roleArn }),
    });
    void this.run();
  }

  get isRunning(): boolean {
    return this.status === 'RUNNING';
  }

  /** True once closed and its history is complete; until then it still counts as working. */
  get isFinished(): boolean {
    return this.historyComplete;
  }

  /** StopExecution: closes the execution as ABORTED at once; in-flight tasks are abandoned. */
  stop(error: string | undefined, cause: string | undefined): void {
    this.close('ABORTED', { error, cause });
  }

  describe(): ExecutionDescription {
    const { executionArn, name, input, stateMachine } = this.setup;
    const { output, error, cause } = this.closing;
    return {
      executionArn,
      stateMachineArn: stateMachine.arn,
      name,
      status: this.status,
      startDate: this.startDate,
      input,
      ...(this.stopDate === undefined ? {} : { stopDate: this.stopDate }),
      ...(output === undefined ? {} : { output }),
      ...(error ? { error } : {}),
      ...(cause ? { cause } : {}),
    };
  }

  private async run(): Promise<void> {
    const { clock, stateMachine } = this.setup;
    const definition = stateMachine.definition;
    try {
      const StatesTimeoutError = await loadStatesTimeoutError();
      if (!this.isRunning) return;
      const machine = new StateMachine(definition.runnerDefinition, { validationOptions: { noValidate: true } });
      const context = this.contextObject();
      const handlers = createTaskHandlers(definition, {
        executionArn: this.setup.executionArn,
        signal: this.closed.signal,
        clock,
        history: this.history,
        activity: this.activity,
        integrations: this.setup.integrations,
        tokens: this.setup.tokens,
        pacer: new RetryPacer(),
        StatesTimeoutError,
        context,
      });
      const execution = machine.run(JSON.parse(this.setup.input) as Parameters<StateMachine['run']>[0], {
        overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: noRunnerRetryPauses(definition) },
        context,
      });
      this.closed.signal.addEventListener('abort', () => execution.abort(), { once: true });
      const historyRead = this.readRunnerLog(execution.eventLogs);
      // The execution timeout runs on the local clock rather than the runner's real-time timer.
      const cancelTimeout =
        definition.timeoutSeconds === undefined
          ? () => {}
          : clock.setTimer(
              () => this.close('TIMED_OUT', { error: 'States.Timeout', cause: `The execution ran longer than ${definition.timeoutSeconds} seconds` }),
              definition.timeoutSeconds * 1000,
            );
      try {
        const output = await execution.result;
        this.close('SUCCEEDED', { output: JSON.stringify(output) });
      } catch (error) {
        this.close('FAILED', failureOf(error));
      } finally {
        cancelTimeout();
      }
      await historyRead;
    } catch (error) {
      this.close('FAILED', { error: 'States.Runtime', cause: (error as Error).message });
    } finally {
      this.completeHistory();
    }
  }

  private async readRunnerLog(events: ReturnType<StateMachine['run']>['eventLogs']): Promise<void> {
    const { stateTypes } = this.setup.stateMachine.definition;
    for await (const event of events) {
      this.history.addRunnerEvent(event, (name) => stateTypes.get(name) ?? 'Task');
    }
  }

  private contextObject(): RunOptions['context'] {
    const { executionArn, name, stateMachine } = this.setup;
    return {
      Execution: { Id: executionArn, Name: name, RoleArn: stateMachine.roleArn },
      StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
    };
  }

  /** The first close wins: a stop or timeout is not overwritten by the runner settling afterwards. */
  private close(status: Exclude<ExecutionStatus, 'RUNNING'>, closing: Closing): void {
    if (!this.isRunning) return;
    this.status = status;
    this.stopDate = this.setup.clock.now();
    this.closing = closing;
    // Ends whatever is still waiting: other Parallel branches, callbacks, clock timers.
    this.closed.abort();
    const { logger, executionArn } = this.setup;
    const fields = { executionArn, status, ...(closing.error ? { error: closing.error } : {}) };
    if (status === 'SUCCEEDED') logger.info('execution succeeded', fields);
    else logger.warn('execution closed', { ...fields, cause: closing.cause });
  }

  private completeHistory(): void {
    if (this.status === 'RUNNING') return;
    const { output, error, cause } = this.closing;
    this.history.add(
      TERMINAL_EVENT[this.status],
      this.status === 'SUCCEEDED'
        ? { output, outputDetails: { truncated: false } }
        : { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
    );
    this.history.freeze();
    this.historyComplete = true;
    this.markFinished(this.describe());
    this.setup.onActivity();
  }
}

function failureOf(error: unknown): Closing {
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
  return { error: failure.name, cause: failure.message };
}
