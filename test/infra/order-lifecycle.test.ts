import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_SOURCES, type DetailType } from '../../lambdas/shared/events.ts';
import { describeArn, referencedLogicalId, referencedType, resolveReference, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}
interface Choice {
  readonly Variable?: string;
  readonly BooleanEquals?: boolean;
  readonly StringEquals?: string;
  readonly Next: string;
}
interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}
interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: Choice[];
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
  readonly RoleArn?: unknown;
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

/** The Parallel states of the top level, each with its name. */
const parallels = Object.entries(definition.States)
  .filter(([, state]) => state.Type === 'Parallel')
  .map(([name, state]) => ({ name, state }));
/** The Task states inside a Parallel's branches, with the Parallel whose Catch covers them. */
const branchTasks = parallels.flatMap(({ name: parallel, state: parallelState }) =>
  (parallelState.Branches ?? []).flatMap((branch) =>
    Object.entries(branch.States)
      .filter(([, state]) => state.Type === 'Task')
      .map(([name, state]) => ({ name, state, parallel, parallelState })),
  ),
);
const topLevelTasks = tasks.filter(({ machine }) => machine === definition);

/** The errors the Lambda service raises for an invocation it could not make; worth retrying on any lambda:invoke. */
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** The retrier a call to the ERP or the WMS uses for their transient failures: exponential backoff from 2 s, capped at 60 s, with full jitter. */
const TRANSIENT_FULFILMENT_RETRY = { ErrorEquals: ['TransientFulfilmentError'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 60, JitterStrategy: 'FULL' };
/** Error names a retrier must not list on a call to the ERP or the WMS: each would also retry a PermanentFulfilmentError. */
const MATCHES_PERMANENT_FAILURE = ['PermanentFulfilmentError', 'States.ALL', 'States.TaskFailed'];

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

  it('has exactly the states of the lifecycle: claim, validate, reserve stock, then accept, reject, wait for stock or give the stock back, and hand a live order to the ERP and the WMS', () => {
    expect(definition.StartAt).toBe('Claim Order');
    expect(Object.fromEntries(Object.entries(definition.States).map(([name, state]) => [name, state.Type]))).toEqual({
      'Claim Order': 'Task',
      'Order Not Claimable': 'Succeed',
      'Validate Order': 'Task',
      'Is Order Valid?': 'Choice',
      'Reserve And Route': 'Task',
      'Is Stock Reserved?': 'Choice',
      'Reservation Already Settled': 'Succeed',
      'Mark Order Awaiting Stock': 'Task',
      'Order Awaiting Stock': 'Succeed',
      'Mark Order Accepted': 'Task',
      'Release Stock Of Cancelled Order': 'Task',
      'Publish Order Accepted': 'Task',
      'Is Order Live?': 'Choice',
      'Hand Off To ERP And WMS': 'Parallel',
      'Mark Order Submitted': 'Task',
      'Cancel ERP Order And Shipments': 'Task',
      'Cancelled During Hand-off': 'Succeed',
      'Publish Order Submitted': 'Task',
      'Order Submitted': 'Succeed',
      'Order Accepted': 'Succeed',
      'Mark Order Rejected': 'Task',
      'Publish Order Rejected': 'Task',
      'Order Rejected': 'Succeed',
      'Record Failure': 'Task',
      'Order Failed': 'Fail',
      'Order Cancelled Before Acceptance': 'Succeed',
    });
    // One Parallel, one Task per branch, nothing nested deeper.
    expect(
      definition.States['Hand Off To ERP And WMS']?.Branches?.map((branch) => ({
        StartAt: branch.StartAt,
        States: Object.fromEntries(Object.entries(branch.States).map(([name, state]) => [name, { Type: state.Type, End: state.End }])),
      })),
    ).toEqual([
      { StartAt: 'Submit To ERP', States: { 'Submit To ERP': { Type: 'Task', End: true } } },
      { StartAt: 'Create WMS Shipments', States: { 'Create WMS Shipments': { Type: 'Task', End: true } } },
    ]);
    expect(machines(definition), 'the top level and the two hand-off branches, no Map and no deeper nesting').toHaveLength(3);
  });

  it('reserves stock only for a valid order, and rejects an invalid one', () => {
    expect(definition.States['Validate Order']?.Next).toBe('Is Order Valid?');
    expect(definition.States['Is Order Valid?']).toMatchObject({
      Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: 'Reserve And Route' }],
      Default: 'Mark Order Rejected',
    });
  });

  it('accepts an order whose stock is reserved, records a shortfall as awaiting stock, and ends quietly when the reservation was already settled', () => {
    expect(definition.States['Reserve And Route']?.Next).toBe('Is Stock Reserved?');
    expect(definition.States['Is Stock Reserved?']).toMatchObject({
      Choices: [
        { Variable: '$.reservation.outcome.status', StringEquals: 'RESERVED', Next: 'Mark Order Accepted' },
        { Variable: '$.reservation.outcome.status', StringEquals: 'SHORTFALL', Next: 'Mark Order Awaiting Stock' },
      ],
      Default: 'Reservation Already Settled',
    });
    expect(definition.States['Mark Order Awaiting Stock']?.Next).toBe('Order Awaiting Stock');
    expect(definition.States['Mark Order Accepted']?.Next).toBe('Publish Order Accepted');
  });

  it('gives the stock back when a cancellation wins the race with acceptance (the compensation of Reserve And Route)', () => {
    const conditionFailed = (name: string) => definition.States[name]?.Catch?.find((c) => c.ErrorEquals.includes('DynamoDB.ConditionalCheckFailedException'))?.Next;
    expect(conditionFailed('Mark Order Accepted')).toBe('Release Stock Of Cancelled Order');
    expect(definition.States['Release Stock Of Cancelled Order']?.Next).toBe('Order Cancelled Before Acceptance');
    // Nothing was held for an order that is awaiting stock or rejected, so there is nothing to give back.
    expect(conditionFailed('Mark Order Awaiting Stock')).toBe('Order Cancelled Before Acceptance');
    expect(conditionFailed('Mark Order Rejected')).toBe('Order Cancelled Before Acceptance');
  });

  it('hands only a live order to the ERP and the WMS, after publishing Order Accepted; a shadow order ends accepted', () => {
    expect(definition.States['Publish Order Accepted']?.Next).toBe('Is Order Live?');
    expect(definition.States['Is Order Live?']).toMatchObject({
      Choices: [{ Variable: '$.mode', StringEquals: 'live', Next: 'Hand Off To ERP And WMS' }],
      Default: 'Order Accepted',
    });
    expect(definition.States['Is Order Live?']?.Choices).toHaveLength(1);
  });

  it('records a handed-off order as Submitted, then publishes Order Submitted; a cancellation that won meanwhile cancels the sales order and the shipments', () => {
    expect(definition.States['Hand Off To ERP And WMS']?.Next).toBe('Mark Order Submitted');
    expect(definition.States['Mark Order Submitted']?.Parameters).toMatchObject({
      ConditionExpression: '#status IN (:accepted, :submitted)',
      ExpressionAttributeValues: { ':submitted': { S: 'SUBMITTED' }, ':accepted': { S: 'ACCEPTED' }, ':version': { N: '3' } },
    });
    expect(definition.States['Mark Order Submitted']?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['DynamoDB.ConditionalCheckFailedException'], 'Cancel ERP Order And Shipments'],
      [['States.ALL'], 'Record Failure'],
    ]);
    expect(definition.States['Cancel ERP Order And Shipments']?.Parameters?.Payload).toEqual({ 'brand.$': '$.brand', 'orderId.$': '$.orderId', 'handoff.$': '$.handoff' });
    expect(definition.States['Cancel ERP Order And Shipments']?.Next).toBe('Cancelled During Hand-off');
    expect(definition.States['Mark Order Submitted']?.Next).toBe('Publish Order Submitted');
    expect(definition.States['Publish Order Submitted']?.Next).toBe('Order Submitted');
  });

  /** The functions the definition invokes: Task state → its `${…}` FunctionName placeholder. */
  const lambdaTasks = Object.fromEntries(
    tasks.filter(({ state }) => state.Resource === 'arn:aws:states:::lambda:invoke').map(({ name, state }) => [name, state.Parameters?.FunctionName]),
  );

  it('invokes exactly ValidateOrder, ReserveStock, ReleaseStock, SubmitToErp, CreateWmsShipments and CancelHandOff, each unqualified, through lambda:invoke', () => {
    expect(lambdaTasks).toEqual({
      'Validate Order': '${ValidateOrderFunctionArn}',
      'Reserve And Route': '${ReserveStockFunctionArn}',
      'Release Stock Of Cancelled Order': '${ReleaseStockFunctionArn}',
      'Submit To ERP': '${SubmitToErpFunctionArn}',
      'Create WMS Shipments': '${CreateWmsShipmentsFunctionArn}',
      'Cancel ERP Order And Shipments': '${CancelHandOffFunctionArn}',
    });
    const substitutions = stateMachine?.properties.DefinitionSubstitutions ?? {};
    expect(
      Object.fromEntries(
        ['ValidateOrderFunctionArn', 'ReserveStockFunctionArn', 'ReleaseStockFunctionArn', 'SubmitToErpFunctionArn', 'CreateWmsShipmentsFunctionArn', 'CancelHandOffFunctionArn'].map((key) => [
          key,
          describeArn(synth, 'orders', substitutions[key]),
        ]),
      ),
    ).toEqual({
      ValidateOrderFunctionArn: 'dev/Orders/ValidateOrder/Function/Resource',
      ReserveStockFunctionArn: 'dev/Inventory/ReserveStock/Function/Resource',
      ReleaseStockFunctionArn: 'dev/Inventory/ReleaseStock/Function/Resource',
      SubmitToErpFunctionArn: 'dev/Fulfilment/SubmitToErp/Function/Resource',
      CreateWmsShipmentsFunctionArn: 'dev/Fulfilment/CreateWmsShipments/Function/Resource',
      CancelHandOffFunctionArn: 'dev/Fulfilment/CancelHandOff/Function/Resource',
    });
  });

  it('may invoke exactly the functions it invokes: lambda:InvokeFunction on no other function', () => {
    const roleId = referencedLogicalId(stateMachine?.properties.RoleArn);
    const invocable = resourcesOfType<{ PolicyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] }; Roles?: unknown[] }>(synth, 'AWS::IAM::Policy')
      .filter((policy) => policy.stack === 'orders' && (policy.properties.Roles ?? []).some((role) => referencedLogicalId(role) === roleId))
      .flatMap((policy) => policy.properties.PolicyDocument.Statement.map((statement) => ({ stack: policy.stack, statement })))
      .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap(({ stack, statement }) => [statement.Resource].flat().map((resource) => describeArn(synth, stack, resource)));
    const substitutions = stateMachine?.properties.DefinitionSubstitutions ?? {};
    const invokedFunctions = Object.values(lambdaTasks).map((placeholder) => describeArn(synth, 'orders', substitutions[String(placeholder).slice('${'.length, -'}'.length)]));
    // ValidateOrder through grantInvoke (versions and aliases too); the inventory and fulfilment steps on their exact ARNs.
    expect(invocable.sort()).toEqual([...invokedFunctions, 'dev/Orders/ValidateOrder/Function/Resource:*'].sort());
  });

  it('publishes only Order Accepted, Order Submitted and Order Rejected, as the orders source, on the bus', () => {
    const published = tasks
      .filter(({ state }) => state.Resource === 'arn:aws:states:::events:putEvents')
      .flatMap(({ name, state }) => (state.Parameters?.Entries as { Source: string; DetailType: DetailType; EventBusName: string; Detail: Record<string, unknown> }[]).map((entry) => ({ name, ...entry })));
    expect(published).toEqual([
      { name: 'Publish Order Accepted', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Accepted', Detail: expect.any(Object) },
      { name: 'Publish Order Submitted', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Submitted', Detail: expect.any(Object) },
      { name: 'Publish Order Rejected', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Rejected', Detail: expect.any(Object) },
    ]);
    // Each detail carries every field its catalog schema requires, and none the schema does not know.
    for (const { name, DetailType, Detail } of published) {
      const shape = EVENT_CATALOG[DetailType].schema.shape as Record<string, { isOptional(): boolean }>;
      const fields = Object.keys(Detail).map((key) => key.replace(/\.\$$/, ''));
      expect(Object.keys(shape).filter((field) => !shape[field]?.isOptional() && !fields.includes(field)), `${name}: required fields missing`).toEqual([]);
      expect(fields.filter((field) => !(field in shape)), `${name}: fields unknown to the ${DetailType} schema`).toEqual([]);
    }
    expect(stateMachine?.properties.DefinitionSubstitutions?.OrdersEventSource).toBe(EVENT_SOURCES.orders);
    expect(describeArn(synth, 'orders', stateMachine?.properties.DefinitionSubstitutions?.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  it('keeps the order\'s fields when a caught error leads to another Task (a compensation needs brand, order and what was done)', () => {
    const states = Object.entries(definition.States);
    const catchesIntoTasks = states.flatMap(([name, state]) => (state.Catch ?? []).filter((c) => definition.States[c.Next]?.Type === 'Task').map((c) => ({ name, ...c })));
    expect(catchesIntoTasks.length).toBeGreaterThan(0);
    // Without a ResultPath the error object replaces the whole state, and the next Task finds no $.brand.
    for (const { name, Next, ResultPath } of catchesIntoTasks) expect(ResultPath, `${name} → ${Next}`).toMatch(/^\$\.\w+$/);
  });

  it('finds the Task states to check', () => {
    expect(tasks.map(({ name }) => name).sort()).toEqual(
      [
        'Claim Order',
        'Validate Order',
        'Reserve And Route',
        'Mark Order Awaiting Stock',
        'Mark Order Accepted',
        'Release Stock Of Cancelled Order',
        'Publish Order Accepted',
        'Submit To ERP',
        'Create WMS Shipments',
        'Mark Order Submitted',
        'Cancel ERP Order And Shipments',
        'Publish Order Submitted',
        'Mark Order Rejected',
        'Publish Order Rejected',
        'Record Failure',
      ].sort(),
    );
    expect(branchTasks.map(({ name, parallel }) => `${parallel} → ${name}`)).toEqual(['Hand Off To ERP And WMS → Submit To ERP', 'Hand Off To ERP And WMS → Create WMS Shipments']);
    expect([...topLevelTasks, ...branchTasks].map(({ name }) => name).sort()).toEqual(tasks.map(({ name }) => name).sort());
  });

  describe.each(tasks)('Task "$name"', ({ state }) => {
    it('retries with bounded attempts, exponential backoff and jitter', () => {
      expect(state.Retry?.length, 'Retry').toBeGreaterThan(0);
      for (const retrier of state.Retry ?? []) {
        expect(retrier.MaxAttempts).toBeGreaterThan(0);
        expect(retrier.MaxAttempts).toBeLessThanOrEqual(10);
        expect(retrier.BackoffRate).toBeGreaterThan(1);
        expect(retrier.JitterStrategy).toBe('FULL');
      }
    });
  });

  describe.each(topLevelTasks)('Task "$name"', ({ state, machine }) => {
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

  describe.each(branchTasks)('Task "$name" in a branch of "$parallel"', ({ state, parallelState }) => {
    it('leaves catching to the Parallel, which catches every error, last with States.ALL, on a path that always can end the execution', () => {
      // A Catch inside a branch would end only the branch, and the hand-off would go on as if it had worked.
      expect(state.Catch, 'Catch of the branch task').toBeUndefined();
      expect(parallelState.Catch?.length, 'Catch of the Parallel').toBeGreaterThan(0);
      expect(parallelState.Catch?.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
      const finishing = statesThatCanFinish(definition);
      for (const catcher of parallelState.Catch ?? []) {
        const stuck = [...reachableFrom(definition, catcher.Next)].filter((name) => !finishing.has(name));
        expect(stuck, `states after catching ${catcher.ErrorEquals.join(', ')} that cannot finish`).toEqual([]);
      }
    });

    it('retries only TransientFulfilmentError, with backoff and jitter, and the errors of the Lambda service', () => {
      expect(state.Retry).toEqual([TRANSIENT_FULFILMENT_RETRY, { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' }]);
    });
  });

  it('retries TransientFulfilmentError on every Task that calls the ERP or the WMS, and never PermanentFulfilmentError or States.ALL', () => {
    const substitutions = stateMachine?.properties.DefinitionSubstitutions ?? {};
    /** Whether the function a Task invokes is configured to call the ERP or the WMS (an ERP_* or WMS_* variable). */
    const callsErpOrWms = (placeholder: unknown) => {
      const fn = resolveReference(synth, 'orders', substitutions[String(placeholder).slice('${'.length, -'}'.length)]);
      const variables = (fn?.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      return Object.keys(variables).some((name) => /^(ERP|WMS)_/.test(name));
    };
    const enclosingParallel = (name: string) => branchTasks.find((task) => task.name === name)?.parallelState;
    const callers = tasks.filter(({ state }) => state.Resource === 'arn:aws:states:::lambda:invoke' && callsErpOrWms(state.Parameters?.FunctionName));
    expect(callers.map(({ name }) => name).sort(), 'the Tasks that call the ERP or the WMS').toEqual(['Cancel ERP Order And Shipments', 'Create WMS Shipments', 'Submit To ERP']);
    for (const { name, state } of callers) {
      expect(state.Retry?.find((retrier) => retrier.ErrorEquals.includes('TransientFulfilmentError')), `${name}: retrier of TransientFulfilmentError`).toEqual(TRANSIENT_FULFILMENT_RETRY);
      // Neither the Task nor a Parallel around it (which would call both systems again) may retry a permanent failure.
      const retried = [...(state.Retry ?? []), ...(enclosingParallel(name)?.Retry ?? [])].flatMap((retrier) => retrier.ErrorEquals);
      expect(retried.filter((error) => MATCHES_PERMANENT_FAILURE.includes(error)), `${name}: retried errors that match a permanent failure`).toEqual([]);
    }
  });
});
