/**
 * Errors thrown into the runner. aws-local-stepfunctions matches Retry and Catch on `error.name`
 * and reports `error.message` as the Cause, so each class sets both the way AWS names them.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** A task failed with an AWS error name (`DynamoDB.ConditionalCheckFailedException`, a Lambda errorType…). */
export class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * `States.Runtime`: fails the execution outright. The runner reads `isRetryable` and
 * `isCatchable`, so no Retry or Catch can revive it; this is also how the work of a stopped or
 * timed-out execution is ended.
 */
export class StatesRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}

type ErrorClass = new () => Error;
let statesTimeoutErrorClass: Promise<ErrorClass> | undefined;

/**
 * The runner keeps `States.TaskFailed` from matching a timeout by checking `instanceof` its own
 * StatesTimeoutError class, which it does not export. Timeouts run on the local clock, so the
 * class is captured once from a 1 ms runner timeout and reused for every `States.Timeout`.
 */
export function loadStatesTimeoutError(): Promise<ErrorClass> {
  statesTimeoutErrorClass ??= captureStatesTimeoutErrorClass();
  return statesTimeoutErrorClass;
}

async function captureStatesTimeoutErrorClass(): Promise<ErrorClass> {
  const definition = {
    StartAt: 'Probe',
    States: {
      Probe: { Type: 'Task', Resource: 'arn:aws:lambda:ap-south-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true },
    },
  } as StateMachineDefinition;
  const probe = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const never = () => new Promise<never>(() => {});
  try {
    await probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: never } } }).result;
  } catch (error) {
    const timeout = (error as Error).cause;
    if (timeout instanceof Error && timeout.name === 'States.Timeout') return timeout.constructor as ErrorClass;
  }
  throw new Error('aws-local-stepfunctions did not report States.Timeout as expected; check the library version');
}
