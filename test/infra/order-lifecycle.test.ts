import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { BRANDS } from '../../lib/config/brands.ts';
import { addressConfirmationPolicyFor, CONFIRMATION_TIMEOUT_ACTIONS } from '../../lib/config/routing.ts';
import { addressConfirmationFor } from '../../lambdas/fulfilment/domain/address-confirmation.ts';
import { SHIPMENT_MILESTONES, TRACKING_STAGES, satisfies, type ShipmentMilestone, type TrackingStage } from '../../lambdas/fulfilment/domain/tracking/milestones.ts';
import { OPS_ACTIONS, RESUMABLE_STEPS } from '../../lambdas/orders/domain/ops-task.ts';
import { EVENT_CATALOG, EVENT_SOURCES, type DetailType } from '../../lambdas/shared/events.ts';
import { RELEASE_REASONS } from '../../lambdas/shared/inventory-events.ts';
import { describeArn, referencedLogicalId, referencedType, resolveReference, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}
interface ChoiceRule {
  readonly Variable?: string;
  readonly BooleanEquals?: boolean;
  readonly StringEquals?: string;
  readonly IsPresent?: boolean;
  readonly And?: ChoiceRule[];
}
interface Choice extends ChoiceRule {
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
  readonly Result?: unknown;
  readonly ResultPath?: string | null;
  readonly ResultSelector?: Record<string, unknown>;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ItemsPath?: string;
  readonly ItemSelector?: Record<string, unknown>;
  readonly MaxConcurrency?: number;
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
  readonly ProcessorConfig?: { readonly Mode?: string };
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

/** The states of `machine` reachable from `start` without going past any of `stops` (which are included when reached). */
function reachableUntil(machine: Machine, start: string, stops: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!stops.includes(name)) queue.push(...successors(machine.States[name] ?? { Type: 'Missing' }));
  }
  return seen;
}

/** The states of `machine` that lead to `name`: by Next, Default, a Choice or a Catch. */
const predecessors = (machine: Machine, name: string) =>
  Object.entries(machine.States)
    .filter(([, state]) => successors(state).includes(name))
    .map(([predecessor]) => predecessor);

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
/** The Map states of the top level, each with its name. */
const maps = Object.entries(definition.States)
  .filter(([, state]) => state.Type === 'Map')
  .map(([name, state]) => ({ name, state }));
/** The Task states of a Map's iterations, with the Map whose Catch covers them. */
const mapTasks = maps.flatMap(({ name: map, state: mapState }) =>
  Object.entries((mapState.ItemProcessor ?? mapState.Iterator)?.States ?? {})
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => ({ name, state, map, mapState, iteration: (mapState.ItemProcessor ?? mapState.Iterator) as Machine })),
);
const topLevelTasks = tasks.filter(({ machine }) => machine === definition);
/** The one shipment-tracking Map and its iteration. */
const trackShipments = definition.States['Track Shipments'];
const shipmentIteration = (trackShipments?.ItemProcessor ?? { StartAt: '', States: {} }) as Machine;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WITH_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const invokesLambda = (state: State) => state.Resource === LAMBDA_INVOKE || state.Resource === LAMBDA_INVOKE_WITH_TOKEN;
/** The Tasks that park the execution until someone sends their task token back. */
const waitTasks = tasks.filter(({ state }) => state.Resource?.endsWith('.waitForTaskToken'));
/** The waits of a shipment on its warehouse and carrier: the wait Tasks AwaitShipment parks (the others wait for the customer and for ops). */
const shipmentWaits = waitTasks.filter(({ state }) => state.Parameters?.FunctionName === '${AwaitShipmentFunctionArn}');

/**
 * How long a warehouse has to dispatch, from lambdas/fulfilment/create-wms-shipments.ts. Read from
 * the source rather than imported: the module reads its environment (requiredEnv) when imported.
 */
function dispatchSlaHours(): number {
  const source = readFileSync(new URL('../../lambdas/fulfilment/create-wms-shipments.ts', import.meta.url), 'utf8');
  const declarations = [...source.matchAll(/^export const DISPATCH_SLA_HOURS = (\d+);$/gm)];
  expect(declarations, 'one numeric `export const DISPATCH_SLA_HOURS = <hours>;`').toHaveLength(1);
  return Number(declarations[0]?.[1]);
}

/**
 * How many days HoldStockUntilDispatch keeps a submitted order's stock held, from
 * lambdas/inventory/hold-stock-until-dispatch.ts. Read from the source rather than imported: the
 * module reads its environment (requiredEnv) when imported.
 */
function holdUntilDispatchDays(): number {
  const source = readFileSync(new URL('../../lambdas/inventory/hold-stock-until-dispatch.ts', import.meta.url), 'utf8');
  const declarations = [...source.matchAll(/^export const HOLD_UNTIL_DISPATCH_DAYS = (\d+);$/gm)];
  expect(declarations, 'one numeric `export const HOLD_UNTIL_DISPATCH_DAYS = <days>;`').toHaveLength(1);
  return Number(declarations[0]?.[1]);
}

/** A module's source, for facts the test cannot import: the module reads its environment (requiredEnv) when imported. */
const sourceOf = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The names of the errors a function's module defines (`this.name = '<name>'`). */
const errorNamesThrownBy = (path: string) => [...sourceOf(path).matchAll(/\bthis\.name = '(\w+)';/g)].map((m) => m[1]);

/** The answers a function's request schema accepts (`answer: z.literal('<answer>')`). */
const answersAcceptedBy = (path: string) => [...sourceOf(path).matchAll(/\banswer: z\.literal\('(\w+)'\)/g)].map((m) => m[1] as string);

/** How many days an address-confirmation reply link is valid, from lambdas/orders/domain/address-reply.ts. */
function addressReplyLifetimeDays(): number {
  const declarations = [...sourceOf('lambdas/orders/domain/address-reply.ts').matchAll(/^const LIFETIME_DAYS = (\d+);$/gm)];
  expect(declarations, 'one numeric `const LIFETIME_DAYS = <days>;`').toHaveLength(1);
  return Number(declarations[0]?.[1]);
}

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

  it('has exactly the states of the lifecycle: claim, validate, reserve stock, then accept, reject, wait for stock or give the stock back, confirm a risky COD order\'s address with the customer (ship it, ship it corrected, or cancel it), hand a live order to the ERP and the WMS, track its shipments to delivery, return or cancellation (and then cancel its sales order), and escalate a failure to ops, then retry, cancel or close the order as ops decide', () => {
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
      'Needs Address Confirmation?': 'Choice',
      'Confirm Address With Customer': 'Task',
      'What Did The Customer Say?': 'Choice',
      'Unexpected Answer': 'Fail',
      'Use Corrected Address': 'Pass',
      'Mark Address Confirmed': 'Task',
      'Release Stock Declined By Customer': 'Task',
      'Mark Order Declined By Customer': 'Task',
      'Declined By Customer': 'Succeed',
      'Record Unanswered Confirmation': 'Task',
      'Ship Or Cancel Unconfirmed?': 'Choice',
      'Release Stock Of Unconfirmed Order': 'Task',
      'Mark Order Cancelled Unconfirmed': 'Task',
      'Cancelled Unconfirmed': 'Succeed',
      'Cancelled Before Hand-off': 'Succeed',
      'Hand Off To ERP And WMS': 'Parallel',
      'Mark Order Submitted': 'Task',
      'Cancel ERP Order And Shipments': 'Task',
      'Cancelled During Hand-off': 'Succeed',
      'Publish Order Submitted': 'Task',
      'Track Shipments': 'Map',
      'Summarise Shipments': 'Pass',
      'How Did The Shipments End?': 'Choice',
      'Mark Order Delivered': 'Task',
      'Order Delivered': 'Succeed',
      'Mark Order Returned': 'Task',
      'Order Returned To Origin': 'Succeed',
      'Cancel Sales Order Of Cancelled Order': 'Task',
      'Mark Order Cancelled After Hand-off': 'Task',
      'Order Cancelled After Hand-off': 'Succeed',
      'Order Accepted': 'Succeed',
      'Mark Order Rejected': 'Task',
      'Publish Order Rejected': 'Task',
      'Order Rejected': 'Succeed',
      'Failed Before Acceptance': 'Pass',
      'Hand-off Failed': 'Pass',
      'Tracking Failed': 'Pass',
      'Record Failure': 'Task',
      'Escalate To Ops': 'Task',
      'What Did Ops Decide?': 'Choice',
      'Cancelled While Waiting For Ops': 'Pass',
      'Ops Decision Failed': 'Pass',
      'Reopen Order Before Acceptance': 'Task',
      'Reopen Accepted Order': 'Task',
      'Reopen Submitted Order': 'Task',
      'Was Anything Routed?': 'Choice',
      'Cancel Hand-off For Ops': 'Task',
      'Release Stock For Ops': 'Task',
      'Mark Order Cancelled By Ops': 'Task',
      'Cancelled By Ops': 'Succeed',
      'Mark Order Resolved By Ops': 'Task',
      'Resolved By Ops': 'Succeed',
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
    // One Map, inline, its iteration tracking one shipment, nothing nested deeper.
    expect(shipmentIteration.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(shipmentIteration.StartAt).toBe('Await Dispatch');
    expect(Object.fromEntries(Object.entries(shipmentIteration.States).map(([name, state]) => [name, state.Type]))).toEqual({
      'Await Dispatch': 'Task',
      'Publish Dispatch Overdue': 'Task',
      'Await Overdue Dispatch': 'Task',
      'Shipment Stalled': 'Fail',
      'Is Shipment On Its Way?': 'Choice',
      'Await Delivery': 'Task',
      'Publish Shipment Delayed': 'Task',
      'Await Late Delivery': 'Task',
      'Shipment Lost': 'Fail',
      'Delivered Or Returning?': 'Choice',
      'Unexpected Milestone': 'Fail',
      'Await Return To Origin': 'Task',
      'Return Lost': 'Fail',
      'Shipment Delivered': 'Pass',
      'Shipment Returned': 'Pass',
      'Shipment Cancelled': 'Pass',
    });
    expect(machines(definition), 'the top level, the two hand-off branches and the shipment iteration, no deeper nesting').toHaveLength(4);
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

  it('hands only a live order on, after publishing Order Accepted — to the customer first if its address needs confirming, else straight to the ERP and the WMS; a shadow order ends accepted', () => {
    expect(definition.States['Publish Order Accepted']?.Next).toBe('Is Order Live?');
    expect(definition.States['Is Order Live?']).toMatchObject({
      Choices: [{ Variable: '$.mode', StringEquals: 'live', Next: 'Needs Address Confirmation?' }],
      Default: 'Order Accepted',
    });
    expect(definition.States['Is Order Live?']?.Choices).toHaveLength(1);
    // Reserve And Route decides from the brand's policy whether to ask (a COD order to a risky destination).
    expect(definition.States['Needs Address Confirmation?']).toMatchObject({
      Choices: [{ Variable: '$.reservation.outcome.addressConfirmation.required', BooleanEquals: true, Next: 'Confirm Address With Customer' }],
      Default: 'Hand Off To ERP And WMS',
    });
    expect(definition.States['Needs Address Confirmation?']?.Choices).toHaveLength(1);
    // Only a live order is ever asked: a shadow order belongs to the legacy process.
    expect(predecessors(definition, 'Needs Address Confirmation?')).toEqual(['Is Order Live?']);
    expect(predecessors(definition, 'Confirm Address With Customer')).toEqual(['Needs Address Confirmation?']);
  });

  it('asks the customer through RequestAddressConfirmation with the task token, where the order ships and the brand\'s confirmation decision, retries the Lambda service errors, and goes on with the answer', () => {
    const confirm = definition.States['Confirm Address With Customer'];
    expect(confirm).toMatchObject({ Type: 'Task', Resource: LAMBDA_INVOKE_WITH_TOKEN, ResultPath: '$.confirmation', Next: 'What Did The Customer Say?' });
    expect(confirm?.Parameters).toEqual({
      FunctionName: '${RequestAddressConfirmationFunctionArn}',
      Payload: {
        'brand.$': '$.brand',
        'orderId.$': '$.orderId',
        'correlationId.$': '$.correlationId',
        'taskToken.$': '$$.Task.Token',
        shipsTo: { 'city.$': '$.order.shippingAddress.city', 'postalCode.$': '$.order.shippingAddress.postalCode' },
        'confirmation.$': '$.reservation.outcome.addressConfirmation',
      },
    });
    expect(confirm?.Retry).toEqual([{ ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' }]);
    expect(describeArn(synth, 'orders', stateMachine?.properties.DefinitionSubstitutions?.RequestAddressConfirmationFunctionArn)).toBe('dev/Orders/RequestAddressConfirmation/Function/Resource');
  });

  it('on silence applies the brand\'s policy, on an order cancelled before the question went out ends quietly, and escalates any other failure', () => {
    const confirm = definition.States['Confirm Address With Customer'];
    expect(confirm?.Catch?.map((c) => [c.ErrorEquals, c.ResultPath, c.Next])).toEqual([
      [['States.Timeout'], '$.timeout', 'Record Unanswered Confirmation'],
      [['OrderNoLongerAcceptedError'], '$.cancelledMeanwhile', 'Cancelled Before Hand-off'],
      [['States.ALL'], '$.failure', 'Record Failure'],
    ]);
    // The error caught is the one RequestAddressConfirmation throws when the order is no longer Accepted.
    expect(errorNamesThrownBy('lambdas/orders/request-address-confirmation.ts')).toEqual(['OrderNoLongerAcceptedError']);
    expect(definition.States['Cancelled Before Hand-off']?.Type).toBe('Succeed');
  });

  it('bounds the wait for the customer by the brand\'s policy (TimeoutSecondsPath): every brand\'s policy waits a positive whole number of minutes, within the reply link\'s lifetime, then cancels or proceeds', () => {
    const confirm = definition.States['Confirm Address With Customer'];
    expect(confirm?.TimeoutSecondsPath).toBe('$.reservation.outcome.addressConfirmation.timeoutSeconds');
    expect(confirm?.TimeoutSeconds, 'one bound, the brand\'s').toBeUndefined();
    expect([...CONFIRMATION_TIMEOUT_ACTIONS].sort()).toEqual(['cancel', 'proceed']);
    const linkLifetimeSeconds = addressReplyLifetimeDays() * 86_400;
    expect(BRANDS.length).toBeGreaterThan(0);
    for (const brand of BRANDS) {
      const policy = addressConfirmationPolicyFor(brand);
      expect(Number.isInteger(policy.confirmationTimeoutMinutes), `${brand.id}: whole minutes`).toBe(true);
      expect(policy.confirmationTimeoutMinutes, `${brand.id}: minutes`).toBeGreaterThan(0);
      expect(['cancel', 'proceed'], `${brand.id}: onTimeout`).toContain(policy.onTimeout);
      // What Reserve And Route puts under $.reservation.outcome.addressConfirmation for a COD order it asks about.
      const decision = addressConfirmationFor(policy, 'cod', 1);
      expect(decision, brand.id).toMatchObject({ required: true, timeoutSeconds: policy.confirmationTimeoutMinutes * 60, onTimeout: policy.onTimeout });
      // A customer answering at the last moment still holds a valid link.
      expect(decision.timeoutSeconds, `${brand.id}: the wait ends before the reply link expires`).toBeLessThanOrEqual(linkLifetimeSeconds);
    }
  });

  it('ships on yes, ships to the corrected address on edit, and releases the stock then closes the order CANCELLED on cancel; any other answer fails the order', () => {
    expect(definition.States['What Did The Customer Say?']?.Type).toBe('Choice');
    // (asl-validator adds QueryLanguage to the states it checks, so each field is compared on its own.)
    expect(definition.States['What Did The Customer Say?']?.Choices).toEqual([
      { Variable: '$.confirmation.answer', StringEquals: 'yes', Next: 'Mark Address Confirmed' },
      { Variable: '$.confirmation.answer', StringEquals: 'edit', Next: 'Use Corrected Address' },
      { Variable: '$.confirmation.answer', StringEquals: 'cancel', Next: 'Release Stock Declined By Customer' },
    ]);
    expect(definition.States['What Did The Customer Say?']?.Default).toBe('Unexpected Answer');
    // Exactly the answers AnswerAddressConfirmation accepts and resumes the execution with.
    expect(answersAcceptedBy('lambdas/orders/answer-address-confirmation.ts').sort()).toEqual(['cancel', 'edit', 'yes']);
    expect(definition.States['Unexpected Answer']).toMatchObject({ Type: 'Fail', Error: 'UnexpectedAnswer' });
    // The corrected address replaces the order's, which both hand-off branches send ($.order).
    const corrected = definition.States['Use Corrected Address'] as State & { InputPath?: unknown; OutputPath?: unknown };
    expect(corrected).toMatchObject({ Type: 'Pass', InputPath: '$.confirmation.address', ResultPath: '$.order.shippingAddress', Next: 'Mark Address Confirmed' });
    // The answer API records the answer but leaves the status; the workflow moves the order back to Accepted, unless it was cancelled meanwhile.
    expect(definition.States['Mark Address Confirmed']).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', Next: 'Hand Off To ERP And WMS' });
    expect(definition.States['Mark Address Confirmed']?.Parameters).toMatchObject({ ConditionExpression: '#status = :awaiting', ExpressionAttributeValues: { ':accepted': { S: 'ACCEPTED' }, ':awaiting': { S: 'AWAITING_ADDRESS_CONFIRMATION' } } });
    expect(definition.States['Mark Address Confirmed']?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['DynamoDB.ConditionalCheckFailedException'], 'Cancelled Before Hand-off'],
      [['States.ALL'], 'Record Failure'],
    ]);
    expect([corrected.Parameters, corrected.Result, corrected.OutputPath], 'Parameters, Result, OutputPath').toEqual([undefined, undefined, undefined]);
    for (const branch of definition.States['Hand Off To ERP And WMS']?.Branches ?? []) {
      expect((branch.States[branch.StartAt]?.Parameters?.Payload as Record<string, unknown>)['order.$'], branch.StartAt).toBe('$.order');
    }
  });

  it('records an unanswered confirmation only while the order still awaits it (a cancellation meanwhile stands), then ships or cancels as the brand\'s policy says', () => {
    const record = definition.States['Record Unanswered Confirmation'];
    expect(record).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', ResultPath: null, Next: 'Ship Or Cancel Unconfirmed?' });
    expect(record?.Parameters).toMatchObject({
      TableName: '${OrdersTableName}',
      ConditionExpression: '#status = :awaiting',
      ExpressionAttributeValues: { ':accepted': { S: 'ACCEPTED' }, ':awaiting': { S: 'AWAITING_ADDRESS_CONFIRMATION' }, ':timedOut': { S: 'TIMED_OUT' } },
    });
    // A late answer finds no token to resume, so the customer is told it came too late.
    expect(record?.Parameters?.UpdateExpression).toMatch(/\bREMOVE addressConfirmation\.taskToken$/);
    expect(record?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['DynamoDB.ConditionalCheckFailedException'], 'Cancelled Before Hand-off'],
      [['States.ALL'], 'Record Failure'],
    ]);
    expect(definition.States['Ship Or Cancel Unconfirmed?']).toMatchObject({ Type: 'Choice', Default: 'Hand Off To ERP And WMS' });
    expect(definition.States['Ship Or Cancel Unconfirmed?']?.Choices).toEqual([
      { Variable: '$.reservation.outcome.addressConfirmation.onTimeout', StringEquals: 'cancel', Next: 'Release Stock Of Unconfirmed Order' },
    ]);
    // Every action a policy may name takes its own way: cancel cancels, proceed ships.
    const onTimeout = (action: string) =>
      definition.States['Ship Or Cancel Unconfirmed?']?.Choices?.find((choice) => choice.StringEquals === action)?.Next ?? definition.States['Ship Or Cancel Unconfirmed?']?.Default;
    expect(Object.fromEntries(CONFIRMATION_TIMEOUT_ACTIONS.map((action) => [action, onTimeout(action)]))).toEqual({
      cancel: 'Release Stock Of Unconfirmed Order',
      proceed: 'Hand Off To ERP And WMS',
    });
  });

  it.each([
    ['declined', 'What Did The Customer Say?', 'Release Stock Declined By Customer', 'Mark Order Declined By Customer', 'Declined By Customer', 'customer at address confirmation'],
    ['unconfirmed', 'Ship Or Cancel Unconfirmed?', 'Release Stock Of Unconfirmed Order', 'Mark Order Cancelled Unconfirmed', 'Cancelled Unconfirmed', 'address not confirmed in time'],
  ] as const)('gives a %s order\'s stock back before marking it CANCELLED, and never hands it off', (_what, choice, release, mark, end, cancelledBy) => {
    // The only way in is the Choice, and the only way to the mark is through the release.
    expect(predecessors(definition, release)).toEqual([choice]);
    expect(predecessors(definition, mark)).toEqual([release]);
    expect(RELEASE_REASONS).toContain('cancelled');
    expect(definition.States[release]).toMatchObject({ Type: 'Task', Resource: LAMBDA_INVOKE, ResultPath: null, Next: mark });
    expect(definition.States[release]?.Parameters).toEqual({
      FunctionName: '${ReleaseStockFunctionArn}',
      Payload: { 'brand.$': '$.brand', 'orderId.$': '$.orderId', reason: 'cancelled', 'correlationId.$': '$.correlationId' },
    });
    expect(definition.States[mark]).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem', ResultPath: null, Next: end });
    expect(definition.States[mark]?.Parameters).toMatchObject({
      TableName: '${OrdersTableName}',
      ExpressionAttributeValues: { ':cancelled': { S: 'CANCELLED' }, ':by': { S: cancelledBy } },
    });
    expect(definition.States[mark]?.Parameters?.UpdateExpression).toMatch(/^SET #status = :cancelled\b/);
    expect(definition.States[end]?.Type).toBe('Succeed');
    // Up to the end or an escalation (where ops decide), nothing on the way leads to the hand-off.
    expect([...reachableUntil(definition, release, ['Record Failure'])].sort()).toEqual([release, mark, end, 'Record Failure'].sort());
    for (const name of [release, mark]) expect(definition.States[name]?.Catch?.map((c) => [c.ErrorEquals, c.Next]), name).toEqual([[['States.ALL'], 'Record Failure']]);
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
    expect(definition.States['Publish Order Submitted']?.Next).toBe('Track Shipments');
  });

  it('tracks every shipment Create WMS Shipments returned, all at once, each with the order\'s brand, id and correlation id; any failure escalates the order to ops, who may retry the tracking', () => {
    // The shipments come from the WMS branch of the hand-off, through $.handoff.
    const createWmsShipments = definition.States['Hand Off To ERP And WMS']?.Branches?.[1]?.States['Create WMS Shipments'];
    expect(createWmsShipments?.Parameters?.Payload).toEqual({
      'order.$': '$.order',
      'substitutions.$': '$.reservation.outcome.substitutions',
      'shipments.$': '$.reservation.outcome.shipments',
      'correlationId.$': '$.correlationId',
    });
    expect(createWmsShipments?.ResultSelector).toEqual({ 'shipments.$': '$.Payload.shipments', 'submittedAt.$': '$.Payload.submittedAt' });
    expect(definition.States['Hand Off To ERP And WMS']).toMatchObject({ ResultSelector: { 'shipments.$': '$[1].shipments' }, ResultPath: '$.handoff' });
    expect(trackShipments).toMatchObject({
      ItemsPath: '$.handoff.shipments',
      // 0: no limit; a split order has one shipment per warehouse, and each mostly waits.
      MaxConcurrency: 0,
      ResultPath: '$.shipmentOutcomes',
      Next: 'Summarise Shipments',
    });
    expect(trackShipments?.ItemSelector).toEqual({
      'brand.$': '$.brand',
      'orderId.$': '$.orderId',
      'correlationId.$': '$.correlationId',
      'shipment.$': '$$.Map.Item.Value',
    });
    expect(trackShipments?.Catch?.map((c) => [c.ErrorEquals, c.ResultPath, c.Next])).toEqual([[['States.ALL'], '$.failure', 'Tracking Failed']]);
    expect(definition.States['Tracking Failed']?.Next).toBe('Record Failure');
  });

  it('ends the order Returned if any shipment came back, else Delivered if any was delivered, else (every shipment cancelled at the warehouse after the customer cancelled) cancels its sales order and closes it CANCELLED', () => {
    expect(definition.States['Summarise Shipments']).toMatchObject({
      Parameters: {
        'anyReturned.$': "States.ArrayContains($.shipmentOutcomes, 'RETURNED')",
        'anyDelivered.$': "States.ArrayContains($.shipmentOutcomes, 'DELIVERED')",
      },
      ResultPath: '$.outcome',
      Next: 'How Did The Shipments End?',
    });
    expect(Object.keys(definition.States['Summarise Shipments']?.Parameters ?? {})).toHaveLength(2);
    expect(definition.States['How Did The Shipments End?']).toMatchObject({
      Choices: [
        { Variable: '$.outcome.anyReturned', BooleanEquals: true, Next: 'Mark Order Returned' },
        { Variable: '$.outcome.anyDelivered', BooleanEquals: true, Next: 'Mark Order Delivered' },
      ],
      Default: 'Cancel Sales Order Of Cancelled Order',
    });
    expect(definition.States['How Did The Shipments End?']?.Choices).toHaveLength(2);
    expect(definition.States['Shipments Cancelled'], 'no quiet end for an order whose shipments were all cancelled').toBeUndefined();
    for (const [mark, status, end] of [
      ['Mark Order Delivered', 'DELIVERED', 'Order Delivered'],
      ['Mark Order Returned', 'RETURNED', 'Order Returned To Origin'],
    ] as const) {
      // Conditional on the order still being Submitted (or already so marked): a cancellation after dispatch keeps its status.
      expect(definition.States[mark]?.Parameters, mark).toMatchObject({
        ConditionExpression: '#status IN (:submitted, :status)',
        ExpressionAttributeValues: { ':status': { S: status }, ':submitted': { S: 'SUBMITTED' }, ':version': { N: '4' }, ':outcomes': { 'S.$': 'States.JsonToString($.shipmentOutcomes)' } },
      });
      expect(definition.States[mark]?.Catch?.map((c) => [c.ErrorEquals, c.Next]), mark).toEqual([
        [['DynamoDB.ConditionalCheckFailedException'], end],
        [['States.ALL'], 'Record Failure'],
      ]);
      expect(definition.States[mark]?.Next, mark).toBe(end);
    }
  });

  it('after a cancellation emptied every shipment, cancels the sales order the hand-off created (CancelHandOff with $.handoff), then closes the order CANCELLED with its shipment outcomes', () => {
    const cancelSalesOrder = definition.States['Cancel Sales Order Of Cancelled Order'];
    expect(predecessors(definition, 'Cancel Sales Order Of Cancelled Order')).toEqual(['How Did The Shipments End?']);
    expect(cancelSalesOrder).toMatchObject({ Type: 'Task', Resource: LAMBDA_INVOKE, ResultPath: '$.compensation', Next: 'Mark Order Cancelled After Hand-off' });
    // What the hand-off reported: the sales order and the shipments (cancelling those again is a no-op).
    expect(cancelSalesOrder?.Parameters).toEqual({ FunctionName: '${CancelHandOffFunctionArn}', Payload: { 'brand.$': '$.brand', 'orderId.$': '$.orderId', 'handoff.$': '$.handoff' } });
    expect(cancelSalesOrder?.ResultSelector).toEqual(definition.States['Cancel ERP Order And Shipments']?.ResultSelector);
    expect(cancelSalesOrder?.Catch?.map((c) => [c.ErrorEquals, c.ResultPath, c.Next])).toEqual([[['States.ALL'], '$.failure', 'Record Failure']]);
    const mark = definition.States['Mark Order Cancelled After Hand-off'];
    expect(mark).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem', ResultPath: null, Next: 'Order Cancelled After Hand-off' });
    expect(mark?.Parameters).toMatchObject({
      TableName: '${OrdersTableName}',
      ExpressionAttributeValues: { ':cancelled': { S: 'CANCELLED' }, ':outcomes': { 'S.$': 'States.JsonToString($.shipmentOutcomes)' } },
    });
    expect(mark?.Parameters?.UpdateExpression).toMatch(/^SET #status = :cancelled\b/);
    expect(mark?.Catch?.map((c) => [c.ErrorEquals, c.ResultPath, c.Next])).toEqual([[['States.ALL'], '$.failure', 'Record Failure']]);
    expect(definition.States['Order Cancelled After Hand-off']?.Type).toBe('Succeed');
  });

  /** Where a retry resumes, as each Pass between a step's Catch and Record Failure records it (`$.escalation.resumeAt`). */
  const RESUME_POINTS = { 'Failed Before Acceptance': 'Validate Order', 'Hand-off Failed': 'Hand Off To ERP And WMS', 'Tracking Failed': 'Track Shipments' };
  /** The states that undo what the order did so far (stock held, sales order and shipments created). */
  const COMPENSATIONS = [
    'Release Stock Of Cancelled Order',
    'Release Stock Declined By Customer',
    'Release Stock Of Unconfirmed Order',
    'Cancel ERP Order And Shipments',
    'Cancel Sales Order Of Cancelled Order',
    'Cancel Hand-off For Ops',
    'Release Stock For Ops',
  ];
  /** The states that carry out ops' decision on an escalated order: after it, the ops task is closed. */
  const OPS_DECISION_STEPS = [
    'Reopen Order Before Acceptance',
    'Reopen Accepted Order',
    'Reopen Submitted Order',
    'Cancel Hand-off For Ops',
    'Release Stock For Ops',
    'Mark Order Cancelled By Ops',
    'Mark Order Resolved By Ops',
  ];

  it('escalates a failure of Validate Order or Reserve And Route, of the hand-off and of the tracking through a Pass that records where a retry resumes, then Record Failure', () => {
    const catchOfAll = (name: string) => definition.States[name]?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
    expect(
      Object.fromEntries(['Validate Order', 'Reserve And Route', 'Hand Off To ERP And WMS', 'Track Shipments'].map((name) => [name, [catchOfAll(name)?.ResultPath, catchOfAll(name)?.Next]])),
    ).toEqual({
      'Validate Order': ['$.failure', 'Failed Before Acceptance'],
      'Reserve And Route': ['$.failure', 'Failed Before Acceptance'],
      'Hand Off To ERP And WMS': ['$.failure', 'Hand-off Failed'],
      'Track Shipments': ['$.failure', 'Tracking Failed'],
    });
    // Each Pass only adds $.escalation (Result under its own ResultPath keeps the order and the failure), then records the failure.
    for (const [name, resumeAt] of Object.entries(RESUME_POINTS)) {
      const pass = definition.States[name] as State & { InputPath?: unknown; OutputPath?: unknown };
      expect(pass, name).toMatchObject({ Type: 'Pass', Result: { resumeAt }, ResultPath: '$.escalation', Next: 'Record Failure' });
      expect(pass.Result, name).toEqual({ resumeAt });
      expect([pass.Parameters, pass.InputPath, pass.OutputPath], `${name}: Parameters, InputPath, OutputPath`).toEqual([undefined, undefined, undefined]);
    }
  });

  it('escalates every permanent failure to ops: each Catch of States.ALL leads, directly or through one Pass, to Record Failure (which escalates), Order Failed or a compensation; only failing to claim the order, or to record or escalate a failure, ends the order Failed without an ops task', () => {
    const catchesOfAll = machines(definition).flatMap((machine) =>
      Object.entries(machine.States).flatMap(([name, state]) => (state.Catch ?? []).filter((c) => c.ErrorEquals.includes('States.ALL')).map((catcher) => ({ name, machine, catcher }))),
    );
    expect(catchesOfAll.length).toBeGreaterThan(0);
    /** Where a caught error lands: the state after the Pass, if the Catch goes to one. */
    const landing = (machine: Machine, next: string) => (machine.States[next]?.Type === 'Pass' ? (machine.States[next]?.Next as string) : next);
    const elsewhere = catchesOfAll
      .filter(({ machine, catcher }) => !['Record Failure', 'Order Failed', ...COMPENSATIONS].includes(landing(machine, catcher.Next)))
      .map(({ name, catcher }) => `${name} → ${catcher.Next}`);
    expect(elsewhere, 'catches of States.ALL that neither escalate, nor fail the order, nor compensate').toEqual([]);
    // Record Failure always goes on to open the ops task.
    expect(definition.States['Record Failure']?.Next).toBe('Escalate To Ops');
    expect(definition.States['Escalate To Ops']?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([[['States.ALL'], 'Order Failed']]);
    // Straight to Order Failed: claiming (nothing done yet, and the order may be another execution's) and escalating itself.
    expect(
      catchesOfAll
        .filter(({ machine, catcher }) => landing(machine, catcher.Next) === 'Order Failed')
        .map(({ name }) => name)
        .sort(),
    ).toEqual(['Claim Order', 'Record Failure', 'Escalate To Ops'].sort());
    // Record Failure stores $.failure on the order and OpenOpsTask describes it: every catch on the way there puts the error there.
    for (const { name, machine, catcher } of catchesOfAll.filter(({ machine, catcher }) => landing(machine, catcher.Next) === 'Record Failure')) {
      expect(catcher.ResultPath, `${name} → ${catcher.Next}`).toBe('$.failure');
      expect(machine, name).toBe(definition);
    }
    expect(definition.States['Record Failure']?.Parameters?.ExpressionAttributeValues).toMatchObject({ ':failed': { S: 'FAILED' }, ':failure': { 'S.$': 'States.JsonToString($.failure)' } });
    // The escalation's own failure does not overwrite the failure it escalates.
    for (const name of ['Record Failure', 'Escalate To Ops']) {
      const catcher = definition.States[name]?.Catch?.[0];
      expect(catcher?.ResultPath, name).toMatch(/^\$\.\w+$/);
      expect(catcher?.ResultPath, name).not.toBe('$.failure');
    }
  });

  it('parks an escalated order on OpenOpsTask with the task token and its whole state, retries the Lambda service errors, waits for ops at most 30 days, and ends the order Failed if escalating fails or times out', () => {
    const escalate = definition.States['Escalate To Ops'];
    expect(escalate).toMatchObject({ Type: 'Task', Resource: LAMBDA_INVOKE_WITH_TOKEN, ResultPath: '$.resolution', Next: 'What Did Ops Decide?' });
    expect(escalate?.Parameters).toEqual({ FunctionName: '${OpenOpsTaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'state.$': '$' } });
    // Bounded: a task nobody decides on must not hold the execution open forever.
    expect(escalate?.TimeoutSeconds).toBe(30 * 86_400);
    expect(escalate?.TimeoutSecondsPath).toBeUndefined();
    expect(escalate?.Retry).toEqual([{ ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' }]);
    // States.ALL covers States.Timeout: no decision in 30 days leaves the order Failed.
    expect(escalate?.Catch?.map((c) => c.ErrorEquals)).toEqual([['States.ALL']]);
    expect(escalate?.Catch?.[0]?.Next).toBe('Order Failed');
    expect(describeArn(synth, 'orders', stateMachine?.properties.DefinitionSubstitutions?.OpenOpsTaskFunctionArn)).toBe('dev/Orders/OpenOpsTask/Function/Resource');
  });

  it('resumes a retry exactly at the step the escalation named: each resumeAt is one of RESUMABLE_STEPS (ops-task.ts), each of those has its branch in What Did Ops Decide?, which reopens the order and goes on to that very step', () => {
    // Every state that writes $.escalation, and the resume point it writes (a Pass by Result, a Task by ResultSelector).
    const escalationWriters = Object.fromEntries(
      Object.entries(definition.States)
        .filter(([, state]) => state.ResultPath === '$.escalation')
        .map(([name, state]) => [name, ((state.Result ?? state.ResultSelector) as { resumeAt?: string } | undefined)?.resumeAt]),
    );
    // The failures that can be retried name their step; carrying out ops' decision, or failing at it, leaves nothing to retry.
    expect(escalationWriters).toEqual({
      ...RESUME_POINTS,
      'Reopen Order Before Acceptance': 'none',
      'Reopen Accepted Order': 'none',
      'Reopen Submitted Order': 'none',
      'Ops Decision Failed': 'none',
    });
    for (const [name, resumeAt] of Object.entries(RESUME_POINTS)) expect(RESUMABLE_STEPS, `${name}: resumeAt`).toContain(resumeAt);
    expect(RESUMABLE_STEPS, '"none" is no step to resume at').not.toContain('none');
    const decide = definition.States['What Did Ops Decide?'];
    expect(decide?.Type).toBe('Choice');
    const retries = (decide?.Choices ?? []).filter((choice) => choice.And !== undefined);
    for (const choice of retries) {
      expect(choice.And, choice.Next).toEqual([
        { Variable: '$.resolution.action', StringEquals: 'retry' },
        { Variable: '$.resolution.resumeAt', StringEquals: expect.any(String) },
      ]);
    }
    const retryBranches = Object.fromEntries(retries.map((choice) => [choice.And?.[1]?.StringEquals, choice.Next]));
    expect(Object.keys(retryBranches).sort(), 'one retry branch per resumable step').toEqual([...RESUMABLE_STEPS].sort());
    expect(retries, 'no two branches for one step').toHaveLength(RESUMABLE_STEPS.length);
    expect(retryBranches).toEqual({
      'Validate Order': 'Reopen Order Before Acceptance',
      'Hand Off To ERP And WMS': 'Reopen Accepted Order',
      'Track Shipments': 'Reopen Submitted Order',
    });
    for (const [resumeAt, reopen] of Object.entries(retryBranches)) {
      expect(definition.States[reopen as string]?.Next, `${reopen} resumes at`).toBe(resumeAt);
      expect(definition.States[resumeAt as string], resumeAt).toBeDefined();
    }
    // Every decision ops can send has its branch: retry (above), cancel and done; anything else leaves the order Failed.
    const others = (decide?.Choices ?? []).filter((choice) => choice.And === undefined);
    expect(others).toEqual([
      { Variable: '$.resolution.action', StringEquals: 'cancel', Next: 'Was Anything Routed?' },
      { Variable: '$.resolution.action', StringEquals: 'done', Next: 'Mark Order Resolved By Ops' },
    ]);
    expect(['retry', ...others.map((choice) => choice.StringEquals)].sort()).toEqual([...OPS_ACTIONS].sort());
    expect(decide?.Default).toBe('Order Failed');
  });

  it('reopens a failed order for a retry only while it is still FAILED (as Received before acceptance, Accepted for the hand-off, Submitted for the tracking) and forgets the old resume point; a customer\'s cancellation meanwhile takes the cancel path instead, as the customer\'s decision', () => {
    for (const [reopen, status] of [
      ['Reopen Order Before Acceptance', 'RECEIVED'],
      ['Reopen Accepted Order', 'ACCEPTED'],
      ['Reopen Submitted Order', 'SUBMITTED'],
    ] as const) {
      const state = definition.States[reopen];
      // A later failure elsewhere must not be retried from this step: the resume point becomes 'none'.
      expect(state, reopen).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', ResultPath: '$.escalation' });
      expect(state?.ResultSelector, reopen).toEqual({ resumeAt: 'none' });
      expect(state?.Parameters, reopen).toMatchObject({
        TableName: '${OrdersTableName}',
        ConditionExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': { S: status }, ':failed': { S: 'FAILED' } },
      });
      expect(state?.Parameters?.UpdateExpression, reopen).toMatch(/^SET #status = :status\b/);
      expect(
        state?.Catch?.map((c) => [c.ErrorEquals, c.ResultPath, c.Next]),
        reopen,
      ).toEqual([
        [['DynamoDB.ConditionalCheckFailedException'], '$.cancelledMeanwhile', 'Cancelled While Waiting For Ops'],
        [['States.ALL'], '$.failure', 'Ops Decision Failed'],
      ]);
    }
    // The customer's cancellation replaces ops' decision with a cancel (by the customer), then takes ops' cancel path.
    const cancelled = definition.States['Cancelled While Waiting For Ops'] as State & { InputPath?: unknown; OutputPath?: unknown };
    expect(cancelled).toMatchObject({ Type: 'Pass', ResultPath: '$.resolution', Next: 'Was Anything Routed?' });
    expect(cancelled.Result).toEqual({ action: 'cancel', note: expect.any(String), resumeAt: 'none', by: 'customer' });
    expect(OPS_ACTIONS).toContain((cancelled.Result as { action: string }).action);
    expect([cancelled.Parameters, cancelled.InputPath, cancelled.OutputPath], 'Parameters, InputPath, OutputPath').toEqual([undefined, undefined, undefined]);
    expect(definition.States['What Did Ops Decide?']?.Choices?.find((choice) => choice.StringEquals === 'cancel')?.Next, 'the same path as ops\' cancel').toBe(cancelled.Next);
    expect(predecessors(definition, 'Cancelled While Waiting For Ops').sort()).toEqual(['Reopen Accepted Order', 'Reopen Order Before Acceptance', 'Reopen Submitted Order']);
  });

  it('opens a new ops task, with nothing to retry, when carrying out ops\' decision fails: after What Did Ops Decide?, every Catch of States.ALL goes through Ops Decision Failed to Record Failure, and none leads straight to Order Failed', () => {
    // The states that carry out the decision: from the Choice to the end, a new escalation, or the step a retry resumes at.
    const stops = ['Record Failure', ...RESUMABLE_STEPS];
    const carryingOut = [...reachableUntil(definition, 'What Did Ops Decide?', stops)].filter((name) => !stops.includes(name));
    expect(carryingOut.filter((name) => definition.States[name]?.Type === 'Task').sort()).toEqual([...OPS_DECISION_STEPS].sort());
    const catchesOfAll = carryingOut.flatMap((name) => (definition.States[name]?.Catch ?? []).filter((c) => c.ErrorEquals.includes('States.ALL')).map((catcher) => ({ name, catcher })));
    expect(catchesOfAll.map(({ name }) => name).sort(), 'each step catches every error').toEqual([...OPS_DECISION_STEPS].sort());
    expect(catchesOfAll.filter(({ catcher }) => catcher.Next === 'Order Failed').map(({ name }) => name), 'catches of States.ALL straight to Order Failed').toEqual([]);
    for (const { name, catcher } of catchesOfAll) expect([catcher.ResultPath, catcher.Next], name).toEqual(['$.failure', 'Ops Decision Failed']);
    // The Pass only forgets the resume point (the failure stays in $.failure for Record Failure), then escalates again.
    const failed = definition.States['Ops Decision Failed'] as State & { InputPath?: unknown; OutputPath?: unknown };
    expect(failed).toMatchObject({ Type: 'Pass', ResultPath: '$.escalation', Next: 'Record Failure' });
    expect(failed.Result).toEqual({ resumeAt: 'none' });
    expect([failed.Parameters, failed.InputPath, failed.OutputPath], 'Parameters, InputPath, OutputPath').toEqual([undefined, undefined, undefined]);
    expect(predecessors(definition, 'Ops Decision Failed').sort()).toEqual([...OPS_DECISION_STEPS].sort());
    expect(definition.States['Record Failure']?.Next).toBe('Escalate To Ops');
    // A decision ops cannot send (no retry branch matches "none") still leaves the order Failed: the Choice's Default, not a Catch.
    expect(definition.States['What Did Ops Decide?']?.Default).toBe('Order Failed');
  });

  it('on cancel undoes what was done — the sales order and shipments the hand-off may have created (found under the idempotency keys) if the order was routed, then the held stock — and closes the order CANCELLED; on done closes it RESOLVED_BY_OPS; both keep ops\' decision', () => {
    expect(definition.States['Was Anything Routed?']).toMatchObject({
      Choices: [{ Variable: '$.reservation.outcome.shipments', IsPresent: true, Next: 'Cancel Hand-off For Ops' }],
      Default: 'Release Stock For Ops',
    });
    expect(definition.States['Was Anything Routed?']?.Choices).toHaveLength(1);
    const cancelHandOff = definition.States['Cancel Hand-off For Ops'];
    // The routed warehouses, not $.handoff: a hand-off that failed half-way reported nothing of what it created.
    expect(cancelHandOff?.Parameters).toEqual({
      FunctionName: '${CancelHandOffFunctionArn}',
      Payload: { 'brand.$': '$.brand', 'orderId.$': '$.orderId', 'warehouseIds.$': '$.reservation.outcome.shipments[*].warehouseId' },
    });
    expect(cancelHandOff?.ResultSelector).toEqual(definition.States['Cancel ERP Order And Shipments']?.ResultSelector);
    expect(cancelHandOff?.ResultPath).toMatch(/^\$\.\w+$/);
    expect(cancelHandOff?.Next).toBe('Release Stock For Ops');
    expect(RELEASE_REASONS).toContain('cancelled');
    expect(definition.States['Release Stock For Ops']?.Parameters).toEqual({
      FunctionName: '${ReleaseStockFunctionArn}',
      Payload: { 'brand.$': '$.brand', 'orderId.$': '$.orderId', reason: 'cancelled', 'correlationId.$': '$.correlationId' },
    });
    expect(definition.States['Release Stock For Ops']?.ResultPath).toBeNull();
    expect(definition.States['Release Stock For Ops']?.Next).toBe('Mark Order Cancelled By Ops');
    for (const [mark, status, end] of [
      ['Mark Order Cancelled By Ops', 'CANCELLED', 'Cancelled By Ops'],
      ['Mark Order Resolved By Ops', 'RESOLVED_BY_OPS', 'Resolved By Ops'],
    ] as const) {
      expect(definition.States[mark], mark).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', ResultPath: null, Next: end });
      expect(definition.States[mark]?.Parameters, mark).toMatchObject({
        TableName: '${OrdersTableName}',
        ExpressionAttributeValues: { ':status': { S: status }, ':resolution': { 'S.$': 'States.JsonToString($.resolution)' } },
      });
      expect(definition.States[end]?.Type, end).toBe('Succeed');
    }
  });

  it('waits for the warehouse to dispatch for exactly DISPATCH_SLA_HOURS (create-wms-shipments.ts), the dispatchBy it promised', () => {
    expect(shipmentIteration.States['Await Dispatch']?.TimeoutSeconds).toBe(dispatchSlaHours() * 3600);
    expect(shipmentIteration.States['Await Dispatch']?.TimeoutSecondsPath).toBeUndefined();
  });

  it('holds a submitted order\'s stock for HOLD_UNTIL_DISPATCH_DAYS (hold-stock-until-dispatch.ts), at least as long as the workflow waits for the dispatch (Await Dispatch, then Await Overdue Dispatch)', () => {
    const states = shipmentIteration.States;
    const dispatchWaitSeconds = (states['Await Dispatch']?.TimeoutSeconds ?? Number.NaN) + (states['Await Overdue Dispatch']?.TimeoutSeconds ?? Number.NaN);
    // Otherwise the expiry sweep could put the units back on sale while the warehouse may still dispatch them.
    expect(holdUntilDispatchDays() * 24, 'hours held ≥ hours waited for the dispatch').toBeGreaterThanOrEqual(dispatchWaitSeconds / 3600);
  });

  it('on a missed promise publishes Shipment Delayed and keeps waiting, bounded: 5 more days for a dispatch (7 in all), 14 days past the promised day for a delivery, 30 days for a return', () => {
    const states = shipmentIteration.States;
    const onTimeout = (name: string) => states[name]?.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next;
    // Dispatch: Await Dispatch → Publish Dispatch Overdue → Await Overdue Dispatch → Shipment Stalled.
    expect(onTimeout('Await Dispatch')).toBe('Publish Dispatch Overdue');
    expect(states['Publish Dispatch Overdue']?.Next).toBe('Await Overdue Dispatch');
    expect(onTimeout('Await Overdue Dispatch')).toBe('Shipment Stalled');
    expect(states['Await Overdue Dispatch']?.TimeoutSeconds).toBe(5 * 86_400);
    expect(dispatchSlaHours() * 3600 + (states['Await Overdue Dispatch']?.TimeoutSeconds ?? 0), 'Shipment Stalled says seven days').toBe(7 * 86_400);
    expect(states['Shipment Stalled']).toMatchObject({ Error: 'ShipmentStalled', Cause: expect.stringMatching(/seven days/) });
    // Delivery: until the promised day ends (the time left, from the tracking output), then 14 days more.
    expect(states['Await Delivery']?.TimeoutSecondsPath).toBe('$.tracking.secondsToPromise');
    expect(states['Await Delivery']?.TimeoutSeconds).toBeUndefined();
    expect(onTimeout('Await Delivery')).toBe('Publish Shipment Delayed');
    expect(states['Publish Shipment Delayed']?.Next).toBe('Await Late Delivery');
    expect(onTimeout('Await Late Delivery')).toBe('Shipment Lost');
    expect(states['Await Late Delivery']?.TimeoutSeconds).toBe(14 * 86_400);
    expect(states['Shipment Lost']).toMatchObject({ Error: 'ShipmentLost', Cause: expect.stringMatching(/14 days/) });
    // Return to origin: 30 days for the parcel to reach the warehouse.
    expect(states['Await Return To Origin']?.TimeoutSeconds).toBe(30 * 86_400);
    expect(onTimeout('Await Return To Origin')).toBe('Return Lost');
    expect(states['Return Lost']).toMatchObject({ Error: 'ShipmentLost', Cause: expect.stringMatching(/30 days/) });
    expect(states['Return Lost']?.Cause, 'Return Lost has its own Cause').not.toBe(states['Shipment Lost']?.Cause);
    // After a wait, the milestone decides; a dispatch wait resumed by a cancellation ends the shipment cancelled.
    expect(states['Await Dispatch']?.Next).toBe('Is Shipment On Its Way?');
    expect(states['Await Overdue Dispatch']?.Next).toBe('Is Shipment On Its Way?');
    expect(states['Await Delivery']?.Next).toBe('Delivered Or Returning?');
    expect(states['Await Late Delivery']?.Next).toBe('Delivered Or Returning?');
    expect(states['Await Return To Origin']?.Next).toBe('Shipment Returned');
  });

  it('parks the execution on a task token only to wait for the customer\'s address confirmation (Confirm Address With Customer, on RequestAddressConfirmation), for a shipment (AwaitShipment, five waits) or for ops (Escalate To Ops, on OpenOpsTask)', () => {
    expect(Object.fromEntries(waitTasks.map(({ name, state }) => [name, state.Parameters?.FunctionName]))).toEqual({
      'Confirm Address With Customer': '${RequestAddressConfirmationFunctionArn}',
      'Await Dispatch': '${AwaitShipmentFunctionArn}',
      'Await Overdue Dispatch': '${AwaitShipmentFunctionArn}',
      'Await Delivery': '${AwaitShipmentFunctionArn}',
      'Await Late Delivery': '${AwaitShipmentFunctionArn}',
      'Await Return To Origin': '${AwaitShipmentFunctionArn}',
      'Escalate To Ops': '${OpenOpsTaskFunctionArn}',
    });
  });

  it('parks every shipment wait on AwaitShipment with the task token, retries the Lambda service errors, and bounds every wait (TimeoutSeconds or TimeoutSecondsPath)', () => {
    expect(shipmentWaits.map(({ name }) => name).sort()).toEqual(['Await Delivery', 'Await Dispatch', 'Await Late Delivery', 'Await Overdue Dispatch', 'Await Return To Origin']);
    for (const { name, state, machine } of shipmentWaits) {
      expect(machine, `${name}: inside the shipment iteration`).toBe(shipmentIteration);
      expect(state.Resource, name).toBe(LAMBDA_INVOKE_WITH_TOKEN);
      expect(state.Parameters?.FunctionName, name).toBe('${AwaitShipmentFunctionArn}');
      const payload = state.Parameters?.Payload as Record<string, unknown> | undefined;
      expect(payload?.['taskToken.$'], name).toBe('$$.Task.Token');
      expect(payload?.['shipmentId.$'], name).toBe('$.shipment.shipmentId');
      expect(TRACKING_STAGES, `${name}: stage`).toContain(payload?.stage);
      expect(Object.keys(payload ?? {}).sort(), name).toEqual(['shipmentId.$', 'stage', 'taskToken.$']);
      expect(state.Retry, name).toContainEqual({ ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' });
      // Exactly one bound: a wait on a shipment must never be unbounded.
      const bounds = [state.TimeoutSeconds, state.TimeoutSecondsPath].filter((bound) => bound !== undefined);
      expect(bounds, `${name}: TimeoutSeconds or TimeoutSecondsPath`).toHaveLength(1);
      if (state.TimeoutSeconds !== undefined) {
        expect(Number.isInteger(state.TimeoutSeconds), name).toBe(true);
        expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
      } else {
        expect(state.TimeoutSecondsPath, name).toMatch(/^\$\.[\w.]+$/);
      }
      // The output of the wait is the shipment's tracking state, which the next states read.
      expect(state.ResultPath, name).toBe('$.tracking');
      expect(state.Catch?.map((c) => c.ErrorEquals), `${name}: catches only its own timeout`).toEqual([['States.Timeout']]);
    }
    expect(describeArn(synth, 'orders', stateMachine?.properties.DefinitionSubstitutions?.AwaitShipmentFunctionArn)).toBe('dev/Fulfilment/AwaitShipment/Function/Resource');
  });

  it('routes every milestone that ends a wait to the step the design means for it, never to Unexpected Milestone', () => {
    const states = shipmentIteration.States;
    /** Where the iteration goes after `wait` is resumed with `milestone`: through its Choice, if any. */
    const after = (wait: string, milestone: ShipmentMilestone) => {
      let name = states[wait]?.Next as string;
      for (let state = states[name]; state?.Type === 'Choice'; state = states[name]) {
        const choice = state.Choices?.find((c) => c.Variable === '$.tracking.milestone' && c.StringEquals === milestone);
        name = (choice?.Next ?? state.Default) as string;
      }
      return name;
    };
    const stageOf = (wait: string) => (states[wait]?.Parameters?.Payload as { stage: TrackingStage }).stage;
    const routes = Object.fromEntries(
      shipmentWaits.map(({ name }) => [name, Object.fromEntries(SHIPMENT_MILESTONES.filter((m) => satisfies(m, stageOf(name))).map((m) => [m, after(name, m)]))]),
    );
    const dispatchRoutes = {
      DISPATCHED: 'Await Delivery',
      IN_TRANSIT: 'Await Delivery',
      OUT_FOR_DELIVERY: 'Await Delivery',
      DELIVERY_ATTEMPT_FAILED: 'Await Delivery',
      // Webhooks that came before the wait: the delivery wait is resumed at once by AwaitShipment.
      DELIVERED: 'Await Delivery',
      RTO_INITIATED: 'Await Delivery',
      RETURNED_TO_ORIGIN: 'Await Delivery',
      CANCELLED: 'Shipment Cancelled',
    };
    const deliveryRoutes = { DELIVERED: 'Shipment Delivered', RTO_INITIATED: 'Await Return To Origin', RETURNED_TO_ORIGIN: 'Shipment Returned', CANCELLED: 'Shipment Cancelled' };
    expect(routes).toEqual({
      'Await Dispatch': dispatchRoutes,
      'Await Overdue Dispatch': dispatchRoutes,
      'Await Delivery': deliveryRoutes,
      'Await Late Delivery': deliveryRoutes,
      // A parcel on its way back cannot be cancelled: only its arrival at the warehouse ends the return wait.
      'Await Return To Origin': { RETURNED_TO_ORIGIN: 'Shipment Returned' },
    });
    expect(Object.values(routes).flatMap((byMilestone) => Object.values(byMilestone))).not.toContain('Unexpected Milestone');
  });

  it('ends each shipment\'s iteration only in a Pass with its outcome (DELIVERED, RETURNED or CANCELLED) or in a Fail, and Summarise Shipments reads exactly those outcomes', () => {
    const states = Object.entries(shipmentIteration.States);
    const ends = states.filter(([, state]) => isTerminal(state));
    expect(ends.filter(([, state]) => state.Type !== 'Fail' && state.Type !== 'Pass').map(([name]) => name), 'iteration ends that are neither Pass nor Fail').toEqual([]);
    const outcomes = Object.fromEntries(ends.filter(([, state]) => state.Type === 'Pass').map(([name, state]) => [name, state.Result]));
    expect(outcomes).toEqual({ 'Shipment Delivered': 'DELIVERED', 'Shipment Returned': 'RETURNED', 'Shipment Cancelled': 'CANCELLED' });
    for (const [name, state] of ends.filter(([, s]) => s.Type === 'Pass')) {
      // Result replaces the iteration's whole output, so the Map's output is the list of outcomes.
      expect(state, name).toMatchObject({ End: true });
      expect(state.ResultPath, name).toBeUndefined();
      expect(state.Parameters, name).toBeUndefined();
    }
    expect(ends.filter(([, state]) => state.Type === 'Fail').map(([name]) => name).sort()).toEqual(['Return Lost', 'Shipment Lost', 'Shipment Stalled', 'Unexpected Milestone']);
    // Every state of the iteration is reachable, and from each some path ends it.
    expect([...reachableFrom(shipmentIteration, shipmentIteration.StartAt)].sort()).toEqual(Object.keys(shipmentIteration.States).sort());
    expect([...statesThatCanFinish(shipmentIteration)].sort()).toEqual(Object.keys(shipmentIteration.States).sort());
    // The summary distinguishes RETURNED and DELIVERED; CANCELLED is what is left (the Default).
    const summarised = Object.values(definition.States['Summarise Shipments']?.Parameters ?? {}).map((expression) => /'([A-Z_]+)'\)$/.exec(String(expression))?.[1]);
    expect([...summarised, 'CANCELLED'].sort()).toEqual(Object.values(outcomes).sort());
  });

  /** The functions the definition invokes: Task state → its `${…}` FunctionName placeholder. */
  const lambdaTasks = Object.fromEntries(tasks.filter(({ state }) => invokesLambda(state)).map(({ name, state }) => [name, state.Parameters?.FunctionName]));

  it('invokes exactly ValidateOrder, ReserveStock, ReleaseStock, SubmitToErp, CreateWmsShipments and CancelHandOff through lambda:invoke, and RequestAddressConfirmation, AwaitShipment and OpenOpsTask with a task token, each unqualified', () => {
    expect(lambdaTasks).toEqual({
      'Validate Order': '${ValidateOrderFunctionArn}',
      'Reserve And Route': '${ReserveStockFunctionArn}',
      'Release Stock Of Cancelled Order': '${ReleaseStockFunctionArn}',
      'Confirm Address With Customer': '${RequestAddressConfirmationFunctionArn}',
      'Release Stock Declined By Customer': '${ReleaseStockFunctionArn}',
      'Release Stock Of Unconfirmed Order': '${ReleaseStockFunctionArn}',
      'Submit To ERP': '${SubmitToErpFunctionArn}',
      'Create WMS Shipments': '${CreateWmsShipmentsFunctionArn}',
      'Cancel ERP Order And Shipments': '${CancelHandOffFunctionArn}',
      'Await Dispatch': '${AwaitShipmentFunctionArn}',
      'Await Overdue Dispatch': '${AwaitShipmentFunctionArn}',
      'Await Delivery': '${AwaitShipmentFunctionArn}',
      'Await Late Delivery': '${AwaitShipmentFunctionArn}',
      'Await Return To Origin': '${AwaitShipmentFunctionArn}',
      'Cancel Sales Order Of Cancelled Order': '${CancelHandOffFunctionArn}',
      'Escalate To Ops': '${OpenOpsTaskFunctionArn}',
      'Cancel Hand-off For Ops': '${CancelHandOffFunctionArn}',
      'Release Stock For Ops': '${ReleaseStockFunctionArn}',
    });
    // RequestAddressConfirmation, AwaitShipment and OpenOpsTask only ever with a task token (each parks it); every other function without one.
    expect(
      Object.keys(lambdaTasks)
        .filter((name) => tasks.find((task) => task.name === name)?.state.Resource === LAMBDA_INVOKE_WITH_TOKEN)
        .sort(),
    ).toEqual(
      Object.keys(lambdaTasks)
        .filter((name) => ['${RequestAddressConfirmationFunctionArn}', '${AwaitShipmentFunctionArn}', '${OpenOpsTaskFunctionArn}'].includes(String(lambdaTasks[name])))
        .sort(),
    );
    const substitutions = stateMachine?.properties.DefinitionSubstitutions ?? {};
    expect(
      Object.fromEntries(
        [
          'ValidateOrderFunctionArn',
          'ReserveStockFunctionArn',
          'ReleaseStockFunctionArn',
          'SubmitToErpFunctionArn',
          'CreateWmsShipmentsFunctionArn',
          'CancelHandOffFunctionArn',
          'AwaitShipmentFunctionArn',
          'OpenOpsTaskFunctionArn',
          'RequestAddressConfirmationFunctionArn',
        ].map((key) => [key, describeArn(synth, 'orders', substitutions[key])]),
      ),
    ).toEqual({
      ValidateOrderFunctionArn: 'dev/Orders/ValidateOrder/Function/Resource',
      ReserveStockFunctionArn: 'dev/Inventory/ReserveStock/Function/Resource',
      ReleaseStockFunctionArn: 'dev/Inventory/ReleaseStock/Function/Resource',
      SubmitToErpFunctionArn: 'dev/Fulfilment/SubmitToErp/Function/Resource',
      CreateWmsShipmentsFunctionArn: 'dev/Fulfilment/CreateWmsShipments/Function/Resource',
      CancelHandOffFunctionArn: 'dev/Fulfilment/CancelHandOff/Function/Resource',
      AwaitShipmentFunctionArn: 'dev/Fulfilment/AwaitShipment/Function/Resource',
      OpenOpsTaskFunctionArn: 'dev/Orders/OpenOpsTask/Function/Resource',
      RequestAddressConfirmationFunctionArn: 'dev/Orders/RequestAddressConfirmation/Function/Resource',
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
    const invokedFunctions = [...new Set(Object.values(lambdaTasks))].map((placeholder) => describeArn(synth, 'orders', substitutions[String(placeholder).slice('${'.length, -'}'.length)]));
    // ValidateOrder, OpenOpsTask and RequestAddressConfirmation through grantInvoke (versions and aliases too); the inventory and fulfilment steps on their exact ARNs.
    expect(invocable.sort()).toEqual(
      [
        ...invokedFunctions,
        'dev/Orders/ValidateOrder/Function/Resource:*',
        'dev/Orders/OpenOpsTask/Function/Resource:*',
        'dev/Orders/RequestAddressConfirmation/Function/Resource:*',
      ].sort(),
    );
  });

  it('publishes only Order Accepted, Order Submitted, Order Rejected and (from the shipment iteration) Shipment Delayed, as the orders source, on the bus', () => {
    const published = tasks
      .filter(({ state }) => state.Resource === 'arn:aws:states:::events:putEvents')
      .flatMap(({ name, state }) => (state.Parameters?.Entries as { Source: string; DetailType: DetailType; EventBusName: string; Detail: Record<string, unknown> }[]).map((entry) => ({ name, ...entry })));
    expect(published).toEqual([
      { name: 'Publish Order Accepted', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Accepted', Detail: expect.any(Object) },
      { name: 'Publish Order Submitted', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Submitted', Detail: expect.any(Object) },
      { name: 'Publish Order Rejected', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Order Rejected', Detail: expect.any(Object) },
      { name: 'Publish Dispatch Overdue', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Shipment Delayed', Detail: expect.any(Object) },
      { name: 'Publish Shipment Delayed', EventBusName: '${EventBusName}', Source: '${OrdersEventSource}', DetailType: 'Shipment Delayed', Detail: expect.any(Object) },
    ]);
    // Each detail carries every field its catalog schema requires, and none the schema does not know; each literal is one the schema accepts.
    for (const { name, DetailType, Detail } of published) {
      expect(EVENT_CATALOG[DetailType].sources, `${name}: the catalog lets the orders context publish ${DetailType}`).toContain(EVENT_SOURCES.orders);
      const shape = EVENT_CATALOG[DetailType].schema.shape as Record<string, { isOptional(): boolean; safeParse(value: unknown): { success: boolean } }>;
      const fields = Object.keys(Detail).map((key) => key.replace(/\.\$$/, ''));
      expect(Object.keys(shape).filter((field) => !shape[field]?.isOptional() && !fields.includes(field)), `${name}: required fields missing`).toEqual([]);
      expect(fields.filter((field) => !(field in shape)), `${name}: fields unknown to the ${DetailType} schema`).toEqual([]);
      const literals = Object.entries(Detail).filter(([key]) => !key.endsWith('.$'));
      expect(literals.filter(([field, value]) => !shape[field]?.safeParse(value).success), `${name}: literal values the ${DetailType} schema refuses`).toEqual([]);
    }
    // The two Shipment Delayed publishers tell which promise was missed, and the deadline that passed is when it happened.
    const delayed = Object.fromEntries(published.filter(({ DetailType }) => DetailType === 'Shipment Delayed').map(({ name, Detail }) => [name, Detail]));
    expect(delayed['Publish Dispatch Overdue']).toMatchObject({ stage: 'dispatch', 'dueBy.$': '$.shipment.dispatchBy', 'occurredAt.$': '$.shipment.dispatchBy' });
    expect(delayed['Publish Shipment Delayed']).toMatchObject({ stage: 'delivery', 'dueBy.$': '$.tracking.promisedBy', 'occurredAt.$': '$.tracking.promisedBy' });
    expect(stateMachine?.properties.DefinitionSubstitutions?.OrdersEventSource).toBe(EVENT_SOURCES.orders);
    expect(describeArn(synth, 'orders', stateMachine?.properties.DefinitionSubstitutions?.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  it('keeps the order\'s fields when a caught error leads on to another state (a compensation needs brand, order and what was done; an escalation the whole order; a late shipment its shipment)', () => {
    const catchesLeadingOn = machines(definition).flatMap((machine) =>
      Object.entries(machine.States).flatMap(([name, state]) =>
        (state.Catch ?? []).filter((c) => !['Succeed', 'Fail'].includes(machine.States[c.Next]?.Type ?? 'Missing')).map((c) => ({ name, ...c })),
      ),
    );
    expect(catchesLeadingOn.map(({ name, Next }) => `${name} → ${Next}`)).toEqual(
      expect.arrayContaining([
        'Await Dispatch → Publish Dispatch Overdue',
        'Await Delivery → Publish Shipment Delayed',
        'Mark Order Accepted → Release Stock Of Cancelled Order',
        'Validate Order → Failed Before Acceptance',
        'Confirm Address With Customer → Record Unanswered Confirmation',
        'Hand Off To ERP And WMS → Hand-off Failed',
        'Track Shipments → Tracking Failed',
        'Publish Order Submitted → Record Failure',
        'Cancel Sales Order Of Cancelled Order → Record Failure',
        'Reopen Accepted Order → Cancelled While Waiting For Ops',
        'Reopen Accepted Order → Ops Decision Failed',
      ]),
    );
    // Without a ResultPath the error object replaces the whole state, and the next Task finds no $.brand.
    for (const { name, Next, ResultPath } of catchesLeadingOn) expect(ResultPath, `${name} → ${Next}`).toMatch(/^\$\.\w+$/);
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
        'Confirm Address With Customer',
        'Release Stock Declined By Customer',
        'Mark Order Declined By Customer',
        'Mark Address Confirmed',
        'Record Unanswered Confirmation',
        'Release Stock Of Unconfirmed Order',
        'Mark Order Cancelled Unconfirmed',
        'Submit To ERP',
        'Create WMS Shipments',
        'Mark Order Submitted',
        'Cancel ERP Order And Shipments',
        'Publish Order Submitted',
        'Mark Order Rejected',
        'Publish Order Rejected',
        'Record Failure',
        'Escalate To Ops',
        'Reopen Order Before Acceptance',
        'Reopen Accepted Order',
        'Reopen Submitted Order',
        'Cancel Hand-off For Ops',
        'Release Stock For Ops',
        'Mark Order Cancelled By Ops',
        'Mark Order Resolved By Ops',
        'Mark Order Delivered',
        'Mark Order Returned',
        'Cancel Sales Order Of Cancelled Order',
        'Mark Order Cancelled After Hand-off',
        'Await Dispatch',
        'Publish Dispatch Overdue',
        'Await Overdue Dispatch',
        'Await Delivery',
        'Publish Shipment Delayed',
        'Await Late Delivery',
        'Await Return To Origin',
      ].sort(),
    );
    expect(branchTasks.map(({ name, parallel }) => `${parallel} → ${name}`)).toEqual(['Hand Off To ERP And WMS → Submit To ERP', 'Hand Off To ERP And WMS → Create WMS Shipments']);
    expect(mapTasks.map(({ name, map }) => `${map} → ${name}`)).toEqual([
      'Track Shipments → Await Dispatch',
      'Track Shipments → Publish Dispatch Overdue',
      'Track Shipments → Await Overdue Dispatch',
      'Track Shipments → Await Delivery',
      'Track Shipments → Publish Shipment Delayed',
      'Track Shipments → Await Late Delivery',
      'Track Shipments → Await Return To Origin',
    ]);
    expect([...topLevelTasks, ...branchTasks, ...mapTasks].map(({ name }) => name).sort()).toEqual(tasks.map(({ name }) => name).sort());
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

  describe.each(mapTasks)('Task "$name" in an iteration of "$map"', ({ state, mapState, iteration }) => {
    it('catches at most its own timeout, on a path that always can end the iteration, and leaves every other error to the Map, which catches every error, last with States.ALL, on a path that always can end the execution', () => {
      // Anything but a timeout means the tracking is broken (unknown shipment, bad milestone): the order fails for ops.
      for (const catcher of state.Catch ?? []) {
        expect(catcher.ErrorEquals).toEqual(['States.Timeout']);
        expect(Object.keys(iteration.States)).toContain(catcher.Next);
        const finishing = statesThatCanFinish(iteration);
        expect([...reachableFrom(iteration, catcher.Next)].filter((name) => !finishing.has(name)), 'states after the timeout that cannot finish').toEqual([]);
      }
      expect(mapState.Catch?.length, 'Catch of the Map').toBeGreaterThan(0);
      expect(mapState.Catch?.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
      const finishing = statesThatCanFinish(definition);
      for (const catcher of mapState.Catch ?? []) {
        const stuck = [...reachableFrom(definition, catcher.Next)].filter((name) => !finishing.has(name));
        expect(stuck, `states after catching ${catcher.ErrorEquals.join(', ')} that cannot finish`).toEqual([]);
      }
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
    const callers = tasks.filter(({ state }) => invokesLambda(state) && callsErpOrWms(state.Parameters?.FunctionName));
    expect(callers.map(({ name }) => name).sort(), 'the Tasks that call the ERP or the WMS').toEqual([
      'Cancel ERP Order And Shipments',
      'Cancel Hand-off For Ops',
      'Cancel Sales Order Of Cancelled Order',
      'Create WMS Shipments',
      'Submit To ERP',
    ]);
    for (const { name, state } of callers) {
      expect(state.Retry?.find((retrier) => retrier.ErrorEquals.includes('TransientFulfilmentError')), `${name}: retrier of TransientFulfilmentError`).toEqual(TRANSIENT_FULFILMENT_RETRY);
      // Neither the Task nor a Parallel around it (which would call both systems again) may retry a permanent failure.
      const retried = [...(state.Retry ?? []), ...(enclosingParallel(name)?.Retry ?? [])].flatMap((retrier) => retrier.ErrorEquals);
      expect(retried.filter((error) => MATCHES_PERMANENT_FAILURE.includes(error)), `${name}: retried errors that match a permanent failure`).toEqual([]);
    }
  });
});
