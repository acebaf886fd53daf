/**
 * Reads an ASL definition once, at registration: validates it, catalogues every state (nested
 * Parallel branches and Map processors included), and derives the definition the runner executes.
 */
import aslValidator from 'asl-validator';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { isCallback, parseTaskResource, type TaskResource } from './resources.ts';

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'NONE' | 'FULL';
}

export interface TaskStateSpec {
  readonly name: string;
  readonly resource: TaskResource;
  /** A fixed TimeoutSeconds, or where in the state input TimeoutSecondsPath reads it. */
  readonly timeout: { readonly seconds: number } | { readonly path: string } | undefined;
  readonly heartbeatSeconds: number | undefined;
  readonly retriers: readonly Retrier[];
  /**
   * Set when the timeout comes from a path and the state has both InputPath and Parameters: the
   * runner then hands the handler the raw state input (see `toRunnerDefinition`), and the handler
   * applies these to it.
   */
  readonly inputProcessing?: InputProcessing;
}

/** A state's InputPath and Parameters, as written. */
export interface InputProcessing {
  readonly InputPath: string | null;
  readonly Parameters: unknown;
}

export type WaitDuration =
  | { readonly seconds: number }
  | { readonly timestamp: string }
  | { readonly fromInput: 'seconds' | 'timestamp' };

export interface WaitStateSpec {
  readonly name: string;
  readonly duration: WaitDuration;
}

export interface ParsedDefinition {
  /** The original ASL type of every state, by name (names are unique across the whole machine). */
  readonly stateTypes: ReadonlyMap<string, string>;
  readonly tasks: ReadonlyMap<string, TaskStateSpec>;
  readonly waits: ReadonlyMap<string, WaitStateSpec>;
  /** Top-level TimeoutSeconds of the execution. */
  readonly timeoutSeconds: number | undefined;
  /** What aws-local-stepfunctions runs; see `toRunnerDefinition`. */
  readonly runnerDefinition: StateMachineDefinition;
}

export class InvalidDefinitionError extends Error {
  constructor(stateMachineName: string, problems: string) {
    super(`state machine "${stateMachineName}" has an invalid definition: ${problems}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** The value `$$.Task.Token` evaluates to in the run; each task attempt swaps it for a fresh token. */
export const TASK_TOKEN_PLACEHOLDER = '__local-cloud-task-token__';

const WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/**
 * The runner would otherwise apply its own real-time Task timeout (60 s by default). Timeouts are
 * enforced on the local clock instead, so the runner gets the largest value setTimeout accepts.
 */
const RUNNER_TASK_TIMEOUT_SECONDS = 2_147_483;

type Json = Record<string, unknown>;

export function parseDefinition(stateMachineName: string, definitionText: string): ParsedDefinition {
  let source: Json;
  try {
    const parsed: unknown = JSON.parse(definitionText);
    if (!isObject(parsed)) throw new Error('the definition is not a JSON object');
    source = parsed;
  } catch (error) {
    throw new InvalidDefinitionError(stateMachineName, (error as Error).message);
  }
  const problemsFound = aslProblems(definitionText, source);
  if (problemsFound) throw new InvalidDefinitionError(stateMachineName, problemsFound);

  const stateTypes = new Map<string, string>();
  const tasks = new Map<string, TaskStateSpec>();
  const waits = new Map<string, WaitStateSpec>();
  const problems: string[] = [];
  forEachState(source, (name, state) => {
    const type = String(state.Type);
    stateTypes.set(name, type);
    if (state.QueryLanguage === 'JSONata' || source.QueryLanguage === 'JSONata') {
      problems.push(`state "${name}" uses JSONata, which the local runner does not evaluate; write JSONPath`);
    }
    try {
      if (type === 'Task') tasks.set(name, readTaskState(name, state));
      if (type === 'Wait') waits.set(name, readWaitState(name, state));
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  if (problems.length > 0) throw new InvalidDefinitionError(stateMachineName, problems.join('; '));

  return {
    stateTypes,
    tasks,
    waits,
    timeoutSeconds: typeof source.TimeoutSeconds === 'number' ? source.TimeoutSeconds : undefined,
    runnerDefinition: toRunnerDefinition(source),
  };
}

/**
 * asl-validator compiles its JSON schemas on every call (about half a second), so results are
 * remembered by definition text: the same definition registered again is not checked twice.
 */
const aslProblemsByText = new Map<string, string>();

function aslProblems(definitionText: string, source: Json): string {
  let problems = aslProblemsByText.get(definitionText);
  if (problems === undefined) {
    // The validator writes defaults into what it checks, so it gets a copy.
    const validation = aslValidator(structuredClone(source), { checkArn: true, checkPaths: true });
    problems = validation.isValid ? '' : validation.errorsText('; ');
    aslProblemsByText.set(definitionText, problems);
  }
  return problems;
}

function readTaskState(name: string, state: Json): TaskStateSpec {
  if (state.HeartbeatSecondsPath !== undefined) {
    throw new Error(`state "${name}": HeartbeatSecondsPath is not emulated; use a fixed HeartbeatSeconds`);
  }
  if (state.TimeoutSecondsPath !== undefined && typeof state.TimeoutSecondsPath !== 'string') {
    throw new Error(`state "${name}": TimeoutSecondsPath must be a reference path`);
  }
  let resource: TaskResource;
  try {
    resource = parseTaskResource(String(state.Resource));
  } catch (error) {
    throw new Error(`state "${name}": ${(error as Error).message}`, { cause: error });
  }
  if (isCallback(resource) && !JSON.stringify(state.Parameters ?? null).includes('$$.Task.Token')) {
    throw new Error(`state "${name}" waits for a task token but its Parameters never pass $$.Task.Token`);
  }
  const timeoutPath = state.TimeoutSecondsPath as string | undefined;
  return {
    name,
    resource,
    timeout:
      timeoutPath !== undefined ? { path: timeoutPath } : typeof state.TimeoutSeconds === 'number' ? { seconds: state.TimeoutSeconds } : undefined,
    heartbeatSeconds: typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined,
    retriers: Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : [],
    ...(timeoutPath !== undefined && 'InputPath' in state && 'Parameters' in state
      ? { inputProcessing: { InputPath: state.InputPath as string | null, Parameters: state.Parameters } }
      : {}),
  };
}

function readWaitState(name: string, state: Json): WaitStateSpec {
  if (typeof state.Seconds === 'number') return { name, duration: { seconds: state.Seconds } };
  if (typeof state.Timestamp === 'string') return { name, duration: { timestamp: state.Timestamp } };
  if (typeof state.SecondsPath === 'string') return { name, duration: { fromInput: 'seconds' } };
  return { name, duration: { fromInput: 'timestamp' } };
}

/**
 * The definition the runner executes. It differs from the source only where the local clock must
 * be in charge of time: Wait states become Tasks served by a clock-driven handler (their path
 * variant passes the evaluated path along in Parameters), Task timeouts move to the handlers,
 * and the execution timeout moves to the service.
 *
 * A Task with TimeoutSecondsPath reads its timeout from the raw state input, before InputPath and
 * Parameters apply, so the runner is given Parameters that carry the path's value beside the
 * task's own input (see `withTimeoutFromPath`); the handler takes them apart again, and the
 * integration receives exactly what the state's InputPath and Parameters make of the input.
 */
function toRunnerDefinition(source: Json): StateMachineDefinition {
  const runner = structuredClone(source);
  delete runner.TimeoutSeconds;
  forEachState(runner, (name, state, states) => {
    if (state.Type === 'Task') {
      if (typeof state.TimeoutSecondsPath === 'string') withTimeoutFromPath(state, state.TimeoutSecondsPath);
      state.TimeoutSeconds = RUNNER_TASK_TIMEOUT_SECONDS;
      delete state.HeartbeatSeconds;
    }
    if (state.Type === 'Wait') states[name] = waitAsTask(state);
  });
  return runner as unknown as StateMachineDefinition;
}

/**
 * Rewrites a Task's InputPath and Parameters into Parameters `{ Input, TimeoutSeconds }` (see
 * `PathTimeoutInput`), all evaluated against the raw state input, as AWS evaluates
 * TimeoutSecondsPath. `Input` is what the task's own InputPath and Parameters produce, nested so
 * the runner evaluates it in place; only a state with both InputPath and Parameters gets the raw
 * input in `Input`, for the handler to apply them (see `TaskStateSpec.inputProcessing`).
 */
function withTimeoutFromPath(state: Json, timeoutPath: string): void {
  const hasInputPath = 'InputPath' in state;
  const hasParameters = 'Parameters' in state;
  const input: Json =
    hasParameters && !hasInputPath
      ? { Input: state.Parameters }
      : hasInputPath && !hasParameters
        ? state.InputPath === null
          ? { Input: {} }
          : { 'Input.$': state.InputPath }
        : { 'Input.$': '$' };
  state.Parameters = { ...input, 'TimeoutSeconds.$': timeoutPath };
  delete state.InputPath;
  delete state.TimeoutSecondsPath;
}

function waitAsTask(wait: Json): Json {
  const { Seconds: _s, Timestamp: _t, SecondsPath, TimestampPath, Type: _type, ...rest } = wait;
  const path = SecondsPath ?? TimestampPath;
  return {
    ...rest,
    Type: 'Task',
    Resource: WAIT_RESOURCE,
    TimeoutSeconds: RUNNER_TASK_TIMEOUT_SECONDS,
    ...(path === undefined ? {} : { Parameters: { 'Input.$': '$', 'WaitFor.$': path } }),
  };
}

/** The input a rewritten Wait state's handler receives when its duration comes from a path. */
export interface PathWaitInput {
  readonly Input: unknown;
  readonly WaitFor: unknown;
}

/** The input a Task state's handler receives when its timeout comes from TimeoutSecondsPath. */
export interface PathTimeoutInput {
  /** The task's effective input, or the raw state input when the spec has `inputProcessing`. */
  readonly Input: unknown;
  /** What TimeoutSecondsPath selected in the raw state input; not yet checked. */
  readonly TimeoutSeconds: unknown;
}

function forEachState(
  machine: Json,
  visit: (name: string, state: Json, states: Json) => void,
): void {
  const states = machine.States;
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    visit(name, state, states);
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isObject(branch)) forEachState(branch, visit);
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isObject(processor)) forEachState(processor, visit);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
