/**
 * The Step Functions API of the local cloud (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.*`).
 * State machines are registered from the cloud assembly; executions run in-process.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION, type Clock, type JsonProtocolService, type LocalLogger } from '../contracts.ts';
import { deferred } from './deferred.ts';
import { parseDefinition, type ParsedDefinition } from './definition.ts';
import { Execution, type ExecutionDescription, type ExecutionStatus } from './execution.ts';
import { checkExecutionInput, checkExecutionName } from './execution-input.ts';
import type { TaskIntegrations } from './integrations.ts';
import { TaskTokenRegistry } from './task-tokens.ts';

export interface StepFunctionsServiceOptions {
  readonly clock: Clock;
  readonly logger: LocalLogger;
  readonly integrations: TaskIntegrations;
}

export interface StateMachineRegistration {
  readonly name: string;
  /** ASL JSON with DefinitionSubstitutions already applied. */
  readonly definition: string;
  readonly roleArn?: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly loggingLevel?: string;
  readonly tracingEnabled?: boolean;
}

interface RegisteredStateMachine extends StateMachineRegistration {
  readonly arn: string;
  readonly parsed: ParsedDefinition;
  readonly creationDate: number;
}

const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export class StepFunctionsService implements JsonProtocolService {
  readonly targetPrefix = 'AWSStepFunctions';
  private readonly stateMachines = new Map<string, RegisteredStateMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens: TaskTokenRegistry;
  private idleWaiters: (() => void)[] = [];
  private idleCheckScheduled = false;

  constructor(private readonly options: StepFunctionsServiceOptions) {
    this.tokens = new TaskTokenRegistry(options.clock);
  }

  /** Registers a state machine; throws, naming it, when the definition is invalid or uses an unsupported resource. */
  registerStateMachine(registration: StateMachineRegistration): string {
    const arn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${registration.name}`;
    const parsed = parseDefinition(registration.name, registration.definition);
    this.stateMachines.set(arn, { ...registration, arn, parsed, creationDate: this.options.clock.now() });
    return arn;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(input);
      case 'DescribeExecution':
        return toWire(this.execution(input.executionArn).describe());
      case 'GetExecutionHistory':
        return this.getExecutionHistory(input);
      case 'ListExecutions':
        return this.listExecutions(input);
      case 'StopExecution':
        return this.stopExecution(input);
      case 'DescribeStateMachine':
        return this.describeStateMachine(input);
      case 'SendTaskSuccess':
        this.tokens.succeed(requiredString(input, 'taskToken'), parseTaskOutput(input.output));
        return {};
      case 'SendTaskFailure':
        this.tokens.fail(requiredString(input, 'taskToken'), optionalString(input.error), optionalString(input.cause));
        return {};
      case 'SendTaskHeartbeat':
        this.tokens.heartbeat(requiredString(input, 'taskToken'));
        return {};
      default:
        throw new AwsServiceError('UnknownOperationException', `the local Step Functions does not implement ${operation}`);
    }
  }

  /** Resolves with the final description once the execution is closed and its history complete. */
  waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    return this.execution(executionArn).finished;
  }

  /**
   * Resolves when nothing more will happen without outside input: every execution is finished
   * or waiting only for task-token callbacks.
   */
  idle(): Promise<void> {
    const { promise, resolve } = deferred<void>();
    this.idleWaiters.push(resolve);
    this.scheduleIdleCheck();
    return promise;
  }

  /**
   * Whether some execution is working right now: starting, moving between states, running a task
   * or closing. An execution whose open tasks all wait for a task token or for the local clock (a
   * Wait state, a retry pause, a timeout) is not working. Sampled at one moment: the runner moves
   * between states in microtasks, so a caller asks again a turn or two later before trusting a
   * `false` (as `LocalCloud.quiescent` does).
   */
  hasRunnableWork(): boolean {
    return [...this.executions.values()].some(
      (execution) => !execution.isFinished && !(execution.isRunning && execution.activity.waitingOnlyForClockOrCallbacks),
    );
  }

  /** Stops every running execution (as ABORTED) and waits for them to finish, releasing their timers. */
  async shutdown(): Promise<void> {
    const open = [...this.executions.values()].filter((execution) => !execution.isFinished);
    for (const execution of open) execution.stop('States.Runtime', 'the local cloud shut down');
    await Promise.all(open.map((execution) => execution.finished));
  }

  private startExecution(input: Record<string, unknown>): { executionArn: string; startDate: number } {
    const stateMachine = this.stateMachine(input.stateMachineArn);
    const name = optionalString(input.name) ?? randomUUID();
    checkExecutionName(name);
    const executionInput = optionalString(input.input) ?? '{}';
    checkExecutionInput(executionInput);

    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      const described = existing.describe();
      // AWS (Standard): a repeated start with the same name and input while running is harmless.
      if (existing.isRunning && described.input === executionInput) {
        return { executionArn, startDate: toSeconds(described.startDate) };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const execution = new Execution({
      executionArn,
      name,
      input: executionInput,
      stateMachine: { arn: stateMachine.arn, name: stateMachine.name, roleArn: stateMachine.roleArn, definition: stateMachine.parsed },
      clock: this.options.clock,
      logger: this.options.logger,
      integrations: this.options.integrations,
      tokens: this.tokens,
      onActivity: () => this.scheduleIdleCheck(),
    });
    this.executions.set(executionArn, execution);
    this.options.logger.info('execution started', { executionArn });
    return { executionArn, startDate: toSeconds(execution.describe().startDate) };
  }

  private getExecutionHistory(input: Record<string, unknown>): { events: unknown[]; nextToken?: string } {
    const events = [...this.execution(input.executionArn).history.list()];
    if (input.reverseOrder === true) events.reverse();
    const page = paginate(events, input);
    return { ...page, events: page.items.map((event) => ({ ...event, timestamp: toSeconds(event.timestamp) })) };
  }

  private listExecutions(input: Record<string, unknown>): { executions: unknown[]; nextToken?: string } {
    const stateMachine = this.stateMachine(input.stateMachineArn);
    const statusFilter = optionalString(input.statusFilter);
    if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
      throw new AwsServiceError('ValidationException', `statusFilter must be one of ${STATUSES.join(', ')}`);
    }
    const matching = [...this.executions.values()]
      .map((execution) => execution.describe())
      .filter((described) => described.stateMachineArn === stateMachine.arn)
      .filter((described) => statusFilter === undefined || described.status === statusFilter)
      .sort((a, b) => b.startDate - a.startDate);
    const page = paginate(matching, input);
    return {
      ...page,
      executions: page.items.map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) =>
        toWire({ executionArn, stateMachineArn, name, status, startDate, ...(stopDate === undefined ? {} : { stopDate }) }),
      ),
    };
  }

  private stopExecution(input: Record<string, unknown>): { stopDate: number } {
    const execution = this.execution(input.executionArn);
    execution.stop(optionalString(input.error), optionalString(input.cause));
    const { stopDate } = execution.describe();
    return { stopDate: toSeconds(stopDate ?? this.options.clock.now()) };
  }

  private describeStateMachine(input: Record<string, unknown>): Record<string, unknown> {
    const stateMachine = this.stateMachine(input.stateMachineArn);
    return {
      stateMachineArn: stateMachine.arn,
      name: stateMachine.name,
      status: 'ACTIVE',
      definition: stateMachine.definition,
      ...(stateMachine.roleArn === undefined ? {} : { roleArn: stateMachine.roleArn }),
      type: stateMachine.type,
      creationDate: toSeconds(stateMachine.creationDate),
      loggingConfiguration: { level: stateMachine.loggingLevel ?? 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: stateMachine.tracingEnabled ?? false },
    };
  }

  private stateMachine(arn: unknown): RegisteredStateMachine {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const stateMachine = this.stateMachines.get(arn);
    if (!stateMachine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return stateMachine;
  }

  private execution(arn: unknown): Execution {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  /**
   * Checked one macrotask later: the runner moves between states in microtasks, so by then a
   * running execution is either inside a task (busy) or truly parked on callbacks.
   */
  private scheduleIdleCheck(): void {
    if (this.idleCheckScheduled || this.idleWaiters.length === 0) return;
    this.idleCheckScheduled = true;
    setImmediate(() => {
      this.idleCheckScheduled = false;
      const quiet = [...this.executions.values()].every(
        (execution) => execution.isFinished || (execution.isRunning && execution.activity.waitingOnlyForCallbacks),
      );
      if (!quiet) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    });
  }
}

function parseTaskOutput(output: unknown): unknown {
  if (typeof output !== 'string') throw new AwsServiceError('InvalidOutput', 'Invalid Output: output is required');
  try {
    return JSON.parse(output);
  } catch (error) {
    throw new AwsServiceError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
  }
}

function paginate<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const requested = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : DEFAULT_PAGE_SIZE;
  const size = Math.min(requested, MAX_PAGE_SIZE);
  const start = typeof input.nextToken === 'string' ? Number.parseInt(input.nextToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidToken', 'Invalid Token: nextToken');
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

/** The JSON 1.0 protocol carries timestamps as epoch seconds. */
function toWire(description: Partial<ExecutionDescription>): Record<string, unknown> {
  const { startDate, stopDate, input, output, ...rest } = description;
  return {
    ...rest,
    ...(startDate === undefined ? {} : { startDate: toSeconds(startDate) }),
    ...(stopDate === undefined ? {} : { stopDate: toSeconds(stopDate) }),
    ...(input === undefined ? {} : { input, inputDetails: { included: true } }),
    ...(output === undefined ? {} : { output, outputDetails: { included: true } }),
  };
}

function toSeconds(epochMs: number): number {
  return epochMs / 1000;
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) throw new AwsServiceError('ValidationException', `${key} is required`);
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
