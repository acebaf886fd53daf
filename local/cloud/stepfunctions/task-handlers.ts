/**
 * The `taskResourceLocalHandlers` for one execution: every Task state (and every Wait state,
 * which runs as a Task, see definition.ts) is served here, so nothing reaches real AWS.
 */
import type { RunOptions } from 'aws-local-stepfunctions';
import { LOCAL_REGION, type Clock } from '../contracts.ts';
import type { ExecutionActivity } from './activity.ts';
import { raceClockAndClose, sleepOnClock } from './clock-waits.ts';
import {
  TASK_TOKEN_PLACEHOLDER,
  type ParsedDefinition,
  type PathTimeoutInput,
  type PathWaitInput,
  type TaskStateSpec,
  type WaitStateSpec,
} from './definition.ts';
import { StatesRuntimeError, TaskFailure } from './errors.ts';
import type { ExecutionHistory } from './history.ts';
import { applyInputProcessing } from './input-processing.ts';
import { callResource, type TaskIntegrations } from './integrations.ts';
import { historyResourceFields, isCallback } from './resources.ts';
import type { RetryPacer } from './retry-pacer.ts';
import type { IssuedToken, TaskTokenRegistry } from './task-tokens.ts';

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LocalHandler = LocalHandlers[string];
type HandlerResult = Awaited<ReturnType<LocalHandler>>;

export interface TaskRunContext {
  readonly executionArn: string;
  /** Aborted when the execution closes (stopped or timed out). */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly history: ExecutionHistory;
  readonly activity: ExecutionActivity;
  readonly integrations: TaskIntegrations;
  readonly tokens: TaskTokenRegistry;
  readonly pacer: RetryPacer;
  readonly StatesTimeoutError: new () => Error;
  /** The context object the runner's states see as `$$`. */
  readonly context: RunOptions['context'];
}

export function createTaskHandlers(definition: ParsedDefinition, run: TaskRunContext): LocalHandlers {
  const handlers: LocalHandlers = {};
  for (const spec of definition.tasks.values()) handlers[spec.name] = (input) => runTask(spec, input, run);
  for (const spec of definition.waits.values()) handlers[spec.name] = (input) => runWait(spec, input, run);
  return handlers;
}

/** Retries are paced by the handlers (see retry-pacer.ts), so the runner itself must not pause. */
export function noRunnerRetryPauses(definition: ParsedDefinition): Record<string, number> {
  return Object.fromEntries([...definition.tasks.keys()].map((name) => [name, 0]));
}

async function runTask(spec: TaskStateSpec, input: unknown, run: TaskRunContext): Promise<HandlerResult> {
  const end = run.activity.begin();
  let issued: IssuedToken | undefined;
  let events: TaskEvents | undefined;
  try {
    // The runner logs "state entered" just before calling the handler, and its log is read
    // asynchronously; yielding one turn lets that entry land in the history before the task's.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.signal.aborted) throw new StatesRuntimeError('the execution was closed');

    const { taskInput, timeoutSeconds } = await resolveTaskInput(spec, input, run);
    if (isCallback(spec.resource)) issued = run.tokens.issue(run.executionArn, spec.heartbeatSeconds);
    const params = issued ? withTaskToken(taskInput, issued.token) : taskInput;
    events = taskEvents(spec, run.history, timeoutSeconds);
    events.scheduled(params);
    const work = perform(spec, params, issued, run, events);
    const result = await raceClockAndClose(run.clock, work, timeoutSeconds, () => new run.StatesTimeoutError(), run.signal);
    events.succeeded(result);
    run.pacer.reset(spec.name);
    return result as HandlerResult;
  } catch (error) {
    if (run.signal.aborted) throw new StatesRuntimeError('the execution was closed');
    const isTimeout = error instanceof run.StatesTimeoutError;
    if (isTimeout) issued?.close('timed-out');
    const failure = isTimeout || error instanceof TaskFailure || error instanceof StatesRuntimeError ? (error as Error) : unexpected(error);
    // Failing before the task was scheduled (a bad TimeoutSecondsPath, say) leaves no task events.
    events?.failed(failure, isTimeout || failure.name === 'States.HeartbeatTimeout');
    if (failure instanceof StatesRuntimeError) {
      // The runner neither retries nor catches States.Runtime, so there is no retry to pause for.
      run.pacer.reset(spec.name);
    } else {
      const pause = run.pacer.pauseBeforeRetry(spec.name, spec.retriers, failure.name, isTimeout);
      if (pause !== undefined) await run.activity.sleepUntil(sleepOnClock(run.clock, pause, run.signal));
    }
    throw failure;
  } finally {
    issued?.close('completed');
    end();
  }
}

/**
 * What the task sends and how long it may take. With TimeoutSecondsPath the runner hands over
 * `PathTimeoutInput` (see definition.ts): the path's value must be a positive integer, or the
 * state fails with States.Runtime, which no Retry or Catch handles.
 */
async function resolveTaskInput(spec: TaskStateSpec, input: unknown, run: TaskRunContext): Promise<{ taskInput: unknown; timeoutSeconds: number | undefined }> {
  const { timeout } = spec;
  if (timeout === undefined || 'seconds' in timeout) return { taskInput: input, timeoutSeconds: timeout?.seconds };
  const { Input, TimeoutSeconds } = input as PathTimeoutInput;
  if (typeof TimeoutSeconds !== 'number' || !Number.isInteger(TimeoutSeconds) || TimeoutSeconds < 1) {
    throw new StatesRuntimeError(
      `state "${spec.name}": TimeoutSecondsPath '${timeout.path}' must select a positive integer, but selected ${JSON.stringify(TimeoutSeconds) ?? 'nothing'}`,
    );
  }
  const taskInput = spec.inputProcessing ? await applyInputProcessing(spec.inputProcessing, Input, run.context) : Input;
  return { taskInput, timeoutSeconds: TimeoutSeconds };
}

async function perform(
  spec: TaskStateSpec,
  params: unknown,
  issued: IssuedToken | undefined,
  run: TaskRunContext,
  events: TaskEvents,
): Promise<unknown> {
  const handOff = await callResource(spec.resource, params, run.integrations);
  if (!issued) return handOff;
  events.submitted(handOff);
  return run.activity.parkUntil(issued.outcome);
}

async function runWait(spec: WaitStateSpec, input: unknown, run: TaskRunContext): Promise<HandlerResult> {
  const end = run.activity.begin();
  try {
    const { untilMs, output } = waitPlan(spec, input, run.clock.now());
    await run.activity.sleepUntil(sleepOnClock(run.clock, untilMs - run.clock.now(), run.signal));
    return output as HandlerResult;
  } finally {
    end();
  }
}

function waitPlan(spec: WaitStateSpec, input: unknown, now: number): { untilMs: number; output: unknown } {
  const { duration } = spec;
  if ('seconds' in duration) return { untilMs: now + duration.seconds * 1000, output: input };
  if ('timestamp' in duration) return { untilMs: Date.parse(duration.timestamp), output: input };
  const { Input, WaitFor } = input as PathWaitInput;
  if (duration.fromInput === 'seconds') {
    if (typeof WaitFor !== 'number' || !Number.isInteger(WaitFor) || WaitFor < 0) {
      throw new StatesRuntimeError(`state "${spec.name}": SecondsPath must select a non-negative integer`);
    }
    return { untilMs: now + WaitFor * 1000, output: Input };
  }
  const untilMs = typeof WaitFor === 'string' ? Date.parse(WaitFor) : Number.NaN;
  if (Number.isNaN(untilMs)) throw new StatesRuntimeError(`state "${spec.name}": TimestampPath must select an ISO 8601 timestamp`);
  return { untilMs, output: Input };
}

/** Puts this attempt's token wherever Parameters used `$$.Task.Token`, including inside built strings. */
function withTaskToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.split(TASK_TOKEN_PLACEHOLDER).join(token);
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withTaskToken(item, token)]));
  }
  return value;
}

function unexpected(error: unknown): TaskFailure {
  return new TaskFailure('States.TaskFailed', error instanceof Error ? error.message : String(error));
}

interface TaskEvents {
  scheduled(params: unknown): void;
  submitted(output: unknown): void;
  succeeded(output: unknown): void;
  failed(error: Error, timedOut: boolean): void;
}

/** History events as AWS writes them: `LambdaFunction*` for a bare function ARN, `Task*` otherwise. */
function taskEvents(spec: TaskStateSpec, history: ExecutionHistory, timeoutSeconds: number | undefined): TaskEvents {
  const json = (value: unknown) => JSON.stringify(value ?? null);
  const limits = {
    ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
    ...(spec.heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: spec.heartbeatSeconds }),
  };
  if (spec.resource.kind === 'lambda-function') {
    const resource = spec.resource.functionArn;
    return {
      scheduled: (params) => {
        history.add('LambdaFunctionScheduled', { resource, input: json(params), ...limits });
        history.add('LambdaFunctionStarted');
      },
      submitted: () => {},
      succeeded: (output) => history.add('LambdaFunctionSucceeded', { output: json(output) }),
      failed: (error, timedOut) =>
        history.add(timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', { error: error.name, cause: error.message }),
    };
  }
  const fields = historyResourceFields(spec.resource);
  return {
    scheduled: (params) => {
      history.add('TaskScheduled', { ...fields, region: LOCAL_REGION, parameters: json(params), ...limits });
      history.add('TaskStarted', fields);
    },
    submitted: (output) => history.add('TaskSubmitted', { ...fields, output: json(output) }),
    succeeded: (output) => history.add('TaskSucceeded', { ...fields, output: json(output) }),
    failed: (error, timedOut) =>
      history.add(timedOut ? 'TaskTimedOut' : 'TaskFailed', { ...fields, error: error.name, cause: error.message }),
  };
}
