/**
 * A state's InputPath and Parameters applied outside the runner, with the runner's own rules: they
 * run as the only state of a one-state machine. Used where the runner had to be handed the raw
 * state input instead (a Task whose TimeoutSecondsPath comes with both InputPath and Parameters).
 */
import { ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { InputProcessing } from './definition.ts';
import { StatesRuntimeError, TaskFailure } from './errors.ts';

const machines = new WeakMap<InputProcessing, StateMachine>();

/**
 * The effective input. `$$` paths see `context` as the runner's states do, except that in the
 * one-state machine `$$.Execution.Input` and `$$.Execution.StartTime` describe this evaluation.
 */
export async function applyInputProcessing(processing: InputProcessing, rawInput: unknown, context: RunOptions['context']): Promise<unknown> {
  let machine = machines.get(processing);
  if (!machine) {
    const definition = { StartAt: 'Input', States: { Input: { Type: 'Pass', ...processing, End: true } } };
    machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    machines.set(processing, machine);
  }
  try {
    return await machine.run(rawInput as Parameters<StateMachine['run']>[0], { context }).result;
  } catch (error) {
    const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
    // A path that selects nothing is States.Runtime, which no Retry or Catch may handle.
    const catchable = (failure as { isCatchable?: boolean }).isCatchable ?? true;
    throw catchable ? new TaskFailure(failure.name, failure.message) : new StatesRuntimeError(failure.message);
  }
}
