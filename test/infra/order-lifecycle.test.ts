import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { referencedLogicalId, referencedType, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
}
interface Retrier {
  readonly ErrorEquals: string[];
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly JitterStrategy?: string;
}
interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: { readonly Next: string }[];
  readonly Retry?: Retrier[];
  readonly Catch?: Catcher[];
  readonly Branches?: Machine[];
  readonly ItemProcessor?: Machine;
  readonly Iterator?: Machine;
}
interface Machine {
  readonly StartAt: string;
  readonly States: Record<string, State>;
}
interface StateMachineProperties {
  readonly StateMachineType?: string;
  readonly DefinitionS3Location?: { readonly Key?: string };
  readonly DefinitionSubstitutions?: Record<string, unknown>;
  readonly LoggingConfiguration?: { readonly Level?: string; readonly IncludeExecutionData?: boolean; readonly Destinations?: { CloudWatchLogsLogGroup?: { LogGroupArn?: unknown } }[] };
  readonly TracingConfiguration?: { readonly Enabled?: boolean };
}

const ASL_FILE = 'statemachines/order-lifecycle.asl.json';
const aslText = readFileSync(new URL(`../../${ASL_FILE}`, import.meta.url), 'utf8');
const definition = JSON.parse(aslText) as Machine;

/** Every state map in the definition: the top level and those nested in Parallel and Map states. */
function machines(machine: Machine): Machine[] {
  const nested = Object.values(machine.States).flatMap((state) => [...(state.Branches ?? []), ...[state.ItemProcessor ?? state.Iterator].filter((m) => m !== undefined)]);
  return [machine, ...nested.flatMap(machines)];
}

const isTerminal = (state: State) => state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true;
const successors = (state: State) =>
  [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter((n) => n !== undefined);

/** The states of `machine` from which some path ends in a terminal state. */
function statesThatCanFinish(machine: Machine): Set<string> {
  const finishing = new Set(Object.keys(machine.States).filter((name) => isTerminal(machine.States[name] as State)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!finishing.has(name) && successors(state).some((next) => finishing.has(next))) {
        finishing.add(name);
        grew = true;
      }
    }
  }
  return finishing;
}

function reachableFrom(machine: Machine, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...successors(machine.States[name] ?? { Type: 'Missing' }));
  }
  return seen;
}

const tasks = machines(definition).flatMap((machine) =>
  Object.entries(machine.States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => ({ name, state, machine })),
);

const synth = synthStage('dev');
const [stateMachine] = resourcesOfType<StateMachineProperties>(synth, 'AWS::StepFunctions::StateMachine').filter((sm) =>
  sm.path.endsWith('/OrderLifecycle/Resource'),
);

describe('order-lifecycle workflow', () => {
  it('is a valid Amazon States Language definition', () => {
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('is the definition the orders stack deploys', () => {
    expect(stateMachine, 'the OrderLifecycle state machine').toBeDefined();
    const key = stateMachine?.properties.DefinitionS3Location?.Key;
    expect(key).toMatch(/\.json$/);
    expect(readFileSync(join(synth.stage.assetOutdir, `asset.${key}`), 'utf8')).toBe(aslText);
  });

  it('has a substitution for every ${Placeholder} and uses every substitution', () => {
    const placeholders = new Set([...aslText.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]));
    const substitutions = Object.keys(stateMachine?.properties.DefinitionSubstitutions ?? {});
    expect(placeholders.size).toBeGreaterThan(0);
    expect([...placeholders].sort()).toEqual(substitutions.sort());
  });

  it('names no resource literally: no ARN but service integrations, no account id', () => {
    const arns = [...aslText.matchAll(/arn:[^"\s]*/g)].map((m) => m[0]);
    expect(arns.filter((arn) => !arn.startsWith('arn:aws:states:::'))).toEqual([]);
    expect(aslText).not.toMatch(/arn:aws[\w-]*:lambda/);
    expect(aslText).not.toMatch(/(?<![\d.])\d{12}(?![\d.])/);
  });

  it('is a STANDARD machine that logs every event with its data and traces with X-Ray', () => {
    expect(stateMachine?.properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    const [destination] = stateMachine?.properties.LoggingConfiguration?.Destinations ?? [];
    expect(referencedType(synth.orders, destination?.CloudWatchLogsLogGroup?.LogGroupArn)).toBe('AWS::Logs::LogGroup');
    const logGroupId = referencedLogicalId(destination?.CloudWatchLogsLogGroup?.LogGroupArn) as string;
    expect(synth.orders.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(synth.config.logRetentionDays);
  });

  it('finds the Task states to check', () => {
    expect(tasks.map(({ name }) => name)).toContain('Validate Order');
  });

  describe.each(tasks)('Task "$name"', ({ state, machine }) => {
    it('retries with bounded attempts, exponential backoff and jitter', () => {
      expect(state.Retry?.length, 'Retry').toBeGreaterThan(0);
      for (const retrier of state.Retry ?? []) {
        expect(retrier.MaxAttempts).toBeGreaterThan(0);
        expect(retrier.MaxAttempts).toBeLessThanOrEqual(10);
        expect(retrier.BackoffRate).toBeGreaterThan(1);
        expect(retrier.JitterStrategy).toBe('FULL');
      }
    });

    it('catches every error, last with States.ALL', () => {
      expect(state.Catch?.length, 'Catch').toBeGreaterThan(0);
      expect(state.Catch?.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
    });

    it('routes each caught error to a path that always can end the execution', () => {
      const finishing = statesThatCanFinish(machine);
      for (const catcher of state.Catch ?? []) {
        expect(Object.keys(machine.States)).toContain(catcher.Next);
        const stuck = [...reachableFrom(machine, catcher.Next)].filter((name) => !finishing.has(name));
        expect(stuck, `states after catching ${catcher.ErrorEquals.join(', ')} that cannot finish`).toEqual([]);
      }
    });
  });
});
