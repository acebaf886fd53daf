/**
 * Jumping the local clock (`Clock.advance`) and what the order workflow builds on it: Wait states
 * and task timeouts that fire inside a jump and not after it, TimeoutSecondsPath on callback
 * tasks, and a Map whose iterations each park on a task token.
 *
 * Date is frozen for these tests, so the clock moves only when a test advances it and every
 * timestamp is exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClock, silentLogger, type Clock, type InvokeResult, type LocalClock } from '../../local/cloud/contracts.ts';
import { StepFunctionsService, type ExecutionDescription, type HistoryEvent, type TaskIntegrations } from '../../local/cloud/stepfunctions/index.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const SECOND = 1000;
const HOUR = 3_600_000;
const QUEUE_URL = 'https://sqs.ap-south-1.amazonaws.com/000000000000/shipments';
const TRACK_FUNCTION = 'arn:aws:lambda:ap-south-1:000000000000:function:track-shipment';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
});

const services: StepFunctionsService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.shutdown()));
  vi.useRealTimers();
});

interface RecordedCall {
  readonly target: string;
  readonly params: unknown;
}

/** Integrations that record every call; Lambda functions never answer unless told to. */
function recordingIntegrations(lambda: () => Promise<InvokeResult> = () => new Promise<InvokeResult>(() => {})) {
  const calls: RecordedCall[] = [];
  const integrations: TaskIntegrations = {
    async invokeLambda(functionName, event) {
      calls.push({ target: functionName, params: event });
      return lambda();
    },
    async callService(service, action, params) {
      calls.push({ target: `${service}:${action}`, params });
      return { MessageId: `m-${calls.length}` };
    },
  };
  return { integrations, calls };
}

function localStepFunctions(integrations: TaskIntegrations, clock: Clock = createClock(1)) {
  const service = new StepFunctionsService({ clock, logger: silentLogger, integrations });
  services.push(service);
  const start = async (definition: object, input: unknown, name?: string): Promise<string> => {
    const stateMachineName = `machine-${services.length}-${Math.random().toString(36).slice(2, 8)}`;
    const stateMachineArn = service.registerStateMachine({ name: stateMachineName, definition: JSON.stringify(definition), type: 'STANDARD' });
    const started = (await service.handle('StartExecution', { stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) })) as { executionArn: string };
    return started.executionArn;
  };
  const describe = async (executionArn: string) => (await service.handle('DescribeExecution', { executionArn })) as { status: string; output?: string; error?: string; cause?: string };
  const history = async (executionArn: string) =>
    ((await service.handle('GetExecutionHistory', { executionArn, maxResults: 1000 })) as { events: (HistoryEvent & { timestamp: number })[] }).events;
  const sendTaskSuccess = (taskToken: string, output: unknown) => service.handle('SendTaskSuccess', { taskToken, output: JSON.stringify(output) });
  return { service, clock, start, describe, history, sendTaskSuccess };
}

/** Waits until no execution is working: each one is finished or waits only for the clock or a task token. */
async function quiet(service: StepFunctionsService): Promise<void> {
  for (let checks = 0; checks < 3; ) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
    checks = service.hasRunnableWork() ? 0 : checks + 1;
  }
}

/** Lets pending work run for a few turns of the event loop. */
async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function tokenIn(call: RecordedCall | undefined): string {
  // An SQS message carries it in MessageBody; a Lambda function receives its Payload as the event.
  const params = call?.params as { MessageBody?: { taskToken?: string }; taskToken?: string } | undefined;
  const token = params?.MessageBody?.taskToken ?? params?.taskToken;
  if (!token) throw new Error(`no task token in ${JSON.stringify(call)}`);
  return token;
}

function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

const eventOf = (events: readonly HistoryEvent[], type: string) => events.find((event) => event.type === type);

describe('Clock.advance', () => {
  it('fires the timers due within the jump in due order, each reading its due time, and none after the jump', async () => {
    // Prepare
    const clock: LocalClock = createClock(1);
    const fired: [string, number][] = [];
    const record = (label: string) => () => fired.push([label, clock.now()]);
    clock.setTimer(record('at 3 s'), 3 * SECOND);
    clock.setTimer(() => {
      record('at 1 s')();
      // Set while the jump runs: inside the window they fire in order, outside it they wait.
      clock.setTimer(record('at 1 s + 2.5 s'), 2.5 * SECOND);
      clock.setTimer(record('at 1 s + 500 ms'), 500);
      void clock.sleep(1.5 * SECOND).then(record('slept 1.5 s from 1 s'));
      clock.setTimer(record('at 1 s + 10 s'), 10 * SECOND);
    }, SECOND);
    clock.setTimer(record('at 5 s'), 5 * SECOND);
    const cancel = clock.setTimer(record('cancelled'), 2 * SECOND);
    cancel();

    // Act
    await clock.advance(4 * SECOND);
    const afterFirstJump = [...fired];
    const nowAfterFirstJump = clock.now();
    const nextDueAfterFirstJump = clock.nextDueAt();
    await clock.advance(10 * SECOND);

    // Assess
    expect(afterFirstJump).toEqual([
      ['at 1 s', T0 + 1 * SECOND],
      ['at 1 s + 500 ms', T0 + 1.5 * SECOND],
      ['slept 1.5 s from 1 s', T0 + 2.5 * SECOND],
      ['at 3 s', T0 + 3 * SECOND],
      ['at 1 s + 2.5 s', T0 + 3.5 * SECOND],
    ]);
    expect(nowAfterFirstJump).toBe(T0 + 4 * SECOND);
    expect(nextDueAfterFirstJump).toBe(T0 + 5 * SECOND);
    expect(fired.slice(afterFirstJump.length)).toEqual([
      ['at 5 s', T0 + 5 * SECOND],
      ['at 1 s + 10 s', T0 + 11 * SECOND],
    ]);
    expect(clock.now()).toBe(T0 + 14 * SECOND);
    expect(clock.nextDueAt()).toBeUndefined();
  });

  it('fires a deferrable timer once, at the end of the jump, and leaves it out of nextDueAt', async () => {
    // Prepare
    const clock = createClock(1);
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(['deferrable', clock.now()]), 60 * SECOND, { deferrable: true });
    clock.setTimer(() => fired.push(['strict', clock.now()]), 2 * HOUR);

    // Act
    const nextDue = clock.nextDueAt();
    await clock.advance(3 * HOUR);

    // Assess
    expect(nextDue).toBe(T0 + 2 * HOUR);
    expect(fired).toEqual([
      ['strict', T0 + 2 * HOUR],
      ['deferrable', T0 + 3 * HOUR],
    ]);
  });
});

describe('Wait states and task timeouts on an advanced clock', () => {
  const definition = {
    StartAt: 'Cool Off',
    States: {
      'Cool Off': { Type: 'Wait', Seconds: 3600, Next: 'Await Pickup' },
      'Await Pickup': {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } },
        TimeoutSeconds: 7200,
        ResultPath: '$.pickup',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Pickup Missed' }],
        Next: 'Picked Up',
      },
      'Picked Up': { Type: 'Succeed' },
      'Pickup Missed': { Type: 'Pass', Result: 'MISSED', ResultPath: '$.outcome', End: true },
    },
  };

  it('ends the Wait state inside the jump that reaches it and not in one that stops a millisecond short', async () => {
    // Prepare
    const { integrations, calls } = recordingIntegrations();
    const { service, clock, start, describe, history } = localStepFunctions(integrations);
    const executionArn = await start(definition, { orderId: '3001' });
    await quiet(service);

    // Act
    await clock.advance(HOUR - 1);
    await quiet(service);
    const callsBeforeTheHour = calls.length;
    await clock.advance(1);
    await quiet(service);
    const events = await history(executionArn);

    // Assess
    expect(callsBeforeTheHour).toBe(0);
    expect(calls.map((call) => call.target)).toEqual(['sqs:sendMessage']);
    expect(eventOf(events, 'WaitStateExited')?.timestamp).toBe((T0 + HOUR) / 1000);
    expect(eventOf(events, 'TaskScheduled')?.timestamp).toBe((T0 + HOUR) / 1000);
    expect((await describe(executionArn)).status).toBe('RUNNING');
  });

  it('times the task out inside the jump that reaches TimeoutSeconds, into the States.Timeout catcher', async () => {
    // Prepare
    const { integrations } = recordingIntegrations();
    const { service, clock, start, describe, history } = localStepFunctions(integrations);
    const executionArn = await start(definition, { orderId: '3002' });
    await quiet(service);
    await clock.advance(HOUR);
    await quiet(service);

    // Act
    await clock.advance(2 * HOUR - 1);
    await quiet(service);
    const justBefore = await describe(executionArn);
    await clock.advance(1);
    const finished = await service.waitForExecution(executionArn);
    const events = await history(executionArn);

    // Assess
    expect(justBefore.status).toBe('RUNNING');
    expect(finished).toMatchObject({ status: 'SUCCEEDED', stopDate: T0 + 3 * HOUR });
    expect(JSON.parse(finished.output!)).toMatchObject({ orderId: '3002', outcome: 'MISSED', failure: { Error: 'States.Timeout' } });
    expect(eventOf(events, 'TaskTimedOut')?.timestamp).toBe((T0 + 3 * HOUR) / 1000);
  });

  it('runs the Wait and the timeout it leads to within one jump over both, each at its own moment', async () => {
    // Prepare
    const { integrations, calls } = recordingIntegrations();
    const { service, clock, start, history } = localStepFunctions(integrations);
    const executionArn = await start(definition, { orderId: '3003' });
    await quiet(service);

    // Act: the timeout's timer is only set once the Wait has ended, halfway through the jump.
    await clock.advance(5 * HOUR);
    const finished = await service.waitForExecution(executionArn);
    const events = await history(executionArn);

    // Assess
    expect(calls).toHaveLength(1);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', stopDate: T0 + 3 * HOUR });
    expect(eventOf(events, 'TaskScheduled')?.timestamp).toBe((T0 + HOUR) / 1000);
    expect(eventOf(events, 'TaskTimedOut')?.timestamp).toBe((T0 + 3 * HOUR) / 1000);
    expect(clock.now()).toBe(T0 + 5 * HOUR);
  });
});

describe('TimeoutSecondsPath', () => {
  const callbackState = (fields: Record<string, unknown>) => ({
    StartAt: 'Await Shipment',
    States: {
      'Await Shipment': {
        Type: 'Task',
        TimeoutSecondsPath: '$.secondsLeft',
        ResultPath: '$.shipment',
        Catch: [
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Escalate' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Other Failure' },
        ],
        Next: 'Shipped',
        ...fields,
      },
      Shipped: { Type: 'Pass', Result: 'SHIPPED', ResultPath: '$.outcome', End: true },
      Escalate: { Type: 'Pass', Result: 'ESCALATED', ResultPath: '$.outcome', End: true },
      'Other Failure': { Type: 'Pass', Result: 'OTHER', ResultPath: '$.outcome', End: true },
    },
  });
  const sendMessage = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
  const variants: { name: string; state: Record<string, unknown>; input: unknown; callback: boolean; expectedCall: (token: string) => RecordedCall }[] = [
    {
      name: 'sqs:sendMessage.waitForTaskToken with Parameters',
      state: { Resource: sendMessage, Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } } },
      input: { orderId: '4001', secondsLeft: 5400 },
      callback: true,
      expectedCall: (taskToken) => ({ target: 'sqs:sendMessage', params: { QueueUrl: QUEUE_URL, MessageBody: { orderId: '4001', taskToken } } }),
    },
    {
      // The path reads the raw state input, not what InputPath selects (which has its own secondsLeft).
      name: 'sqs:sendMessage.waitForTaskToken with InputPath and Parameters',
      state: { Resource: sendMessage, InputPath: '$.order', Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } } },
      input: { secondsLeft: 5400, order: { orderId: '4002', secondsLeft: 60 } },
      callback: true,
      expectedCall: (taskToken) => ({ target: 'sqs:sendMessage', params: { QueueUrl: QUEUE_URL, MessageBody: { orderId: '4002', taskToken } } }),
    },
    {
      name: 'lambda:invoke.waitForTaskToken with Parameters',
      state: {
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: TRACK_FUNCTION, Payload: { 'awb.$': '$.awb', 'taskToken.$': '$$.Task.Token' } },
      },
      input: { awb: 'AWB-4003', secondsLeft: 5400 },
      callback: true,
      expectedCall: (taskToken) => ({ target: TRACK_FUNCTION, params: { awb: 'AWB-4003', taskToken } }),
    },
    {
      // Its call never ends, so the test cannot wait for quiet: it only lets the call start.
      name: 'a function still running, with InputPath only',
      state: { Resource: TRACK_FUNCTION, InputPath: '$.order' },
      input: { secondsLeft: 5400, order: { orderId: '4004' } },
      callback: false,
      expectedCall: () => ({ target: TRACK_FUNCTION, params: { orderId: '4004' } }),
    },
  ];

  for (const variant of variants) {
    it(`times out after exactly the selected seconds: ${variant.name}`, async () => {
      // Prepare: the hand-off of a callback task answers at once; the plain function never does.
      const { integrations, calls } = recordingIntegrations(
        variant.callback ? async () => ({ ok: true, payload: null }) : () => new Promise<InvokeResult>(() => {}),
      );
      const { service, clock, start, describe, history, sendTaskSuccess } = localStepFunctions(integrations);
      const settle = variant.callback ? () => quiet(service) : () => turns(20);
      const executionArn = await start(callbackState(variant.state), variant.input);
      await settle();

      // Act
      await clock.advance(5400 * SECOND - 1);
      await settle();
      const justBefore = await describe(executionArn);
      await clock.advance(1);
      const finished: ExecutionDescription = await service.waitForExecution(executionArn);
      const events = await history(executionArn);

      // Assess: the integration got the state's own Parameters, nothing the emulator added.
      const token = variant.callback ? tokenIn(calls[0]) : '';
      expect(calls).toEqual([variant.expectedCall(token)]);
      expect(justBefore.status).toBe('RUNNING');
      expect(finished).toMatchObject({ status: 'SUCCEEDED', stopDate: T0 + 5400 * SECOND });
      expect(JSON.parse(finished.output!)).toMatchObject({ outcome: 'ESCALATED', failure: { Error: 'States.Timeout' } });
      const scheduled = events.find((event) => event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled');
      expect(JSON.stringify(scheduled)).toContain('"timeoutInSeconds":5400');
      if (variant.callback) expect(await failureOf(sendTaskSuccess(token, {}))).toMatchObject({ code: 'TaskTimedOut' });
    });
  }

  it('completes normally when the callback arrives before the timeout', async () => {
    // Prepare
    const { integrations, calls } = recordingIntegrations();
    const { service, clock, start, sendTaskSuccess } = localStepFunctions(integrations);
    const executionArn = await start(callbackState(variants[0]!.state), { orderId: '4005', secondsLeft: 60 });
    await quiet(service);
    await clock.advance(59 * SECOND);

    // Act
    await sendTaskSuccess(tokenIn(calls[0]), { awb: 'AWB-4005' });
    const finished = await service.waitForExecution(executionArn);

    // Assess
    expect(JSON.parse(finished.output!)).toMatchObject({ outcome: 'SHIPPED', shipment: { awb: 'AWB-4005' } });
  });

  const invalid: [string, unknown][] = [
    ['zero', 0],
    ['a string', '5400'],
    ['a negative number', -5],
    ['a fraction', 1.5],
  ];
  for (const [what, secondsLeft] of invalid) {
    it(`fails the execution with States.Runtime, past every catcher, when the path selects ${what}`, async () => {
      // Prepare
      const { integrations, calls } = recordingIntegrations();
      const { service, start, history } = localStepFunctions(integrations);

      // Act
      const executionArn = await start(callbackState(variants[0]!.state), { orderId: '4006', secondsLeft });
      const finished = await service.waitForExecution(executionArn);
      const types = (await history(executionArn)).map((event) => event.type);

      // Assess
      expect(finished).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(finished.cause).toContain('TimeoutSecondsPath');
      expect(calls).toEqual([]);
      expect(types).not.toContain('TaskScheduled');
    });
  }

  it('fails the execution with States.Runtime when the path selects nothing', async () => {
    // Prepare
    const { integrations, calls } = recordingIntegrations();
    const { service, start } = localStepFunctions(integrations);

    // Act
    const executionArn = await start(callbackState(variants[0]!.state), { orderId: '4007' });
    const finished = await service.waitForExecution(executionArn);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(calls).toEqual([]);
  });

  it('still refuses HeartbeatSecondsPath when the state machine is registered', () => {
    // Prepare
    const { integrations } = recordingIntegrations();
    const { service } = localStepFunctions(integrations);
    const definition = callbackState({ ...variants[0]!.state, HeartbeatSecondsPath: '$.heartbeat' });

    // Act
    const registering = () => service.registerStateMachine({ name: 'heartbeat-path', definition: JSON.stringify(definition), type: 'STANDARD' });

    // Assess
    expect(registering).toThrow(/HeartbeatSecondsPath is not emulated/);
  });
});

describe('a Map whose iterations each wait for their own task token', () => {
  const definition = {
    StartAt: 'Track Parcels',
    States: {
      'Track Parcels': {
        Type: 'Map',
        ItemsPath: '$.parcels',
        MaxConcurrency: 0,
        ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'orderId.$': '$.orderId' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Await Delivery',
          States: {
            'Await Delivery': {
              Type: 'Task',
              Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
              Parameters: {
                QueueUrl: QUEUE_URL,
                MessageBody: { 'orderId.$': '$.orderId', 'awb.$': '$.parcel.awb', 'index.$': '$.index', 'taskToken.$': '$$.Task.Token' },
              },
              ResultPath: '$.tracking',
              Next: 'Delivered?',
            },
            'Delivered?': {
              Type: 'Choice',
              Choices: [{ Variable: '$.tracking.status', StringEquals: 'DELIVERED', Next: 'Delivered' }],
              Default: 'Returned',
            },
            Delivered: { Type: 'Pass', Result: 'DELIVERED', End: true },
            Returned: { Type: 'Pass', Result: 'RETURNED', End: true },
          },
        },
        ResultPath: '$.outcomes',
        Next: 'Summarise',
      },
      Summarise: {
        Type: 'Pass',
        Parameters: { 'orderId.$': '$.orderId', 'outcomes.$': '$.outcomes', 'anyReturned.$': "States.ArrayContains($.outcomes, 'RETURNED')" },
        End: true,
      },
    },
  };
  const parcels = [{ awb: 'AWB-A' }, { awb: 'AWB-B' }, { awb: 'AWB-C' }];

  async function trackParcels(orderId: string, statuses: Record<string, string>, answerOrder: readonly string[]) {
    const { integrations, calls } = recordingIntegrations();
    const { service, start, describe, sendTaskSuccess } = localStepFunctions(integrations);
    const executionArn = await start(definition, { orderId, parcels });
    await quiet(service);
    const messages = calls.map((call) => (call.params as { MessageBody: { orderId: string; awb: string; index: number; taskToken: string } }).MessageBody);
    const tokenOf = (awb: string) => messages.find((message) => message.awb === awb)!.taskToken;
    const statusWhileAnswering: string[] = [];
    for (const awb of answerOrder) {
      statusWhileAnswering.push((await describe(executionArn)).status);
      await sendTaskSuccess(tokenOf(awb), { status: statuses[awb] });
      await quiet(service);
    }
    const finished = await service.waitForExecution(executionArn);
    return { messages, statusWhileAnswering, finished };
  }

  it('sends one message per parcel with the ItemSelector fields and a token of its own', async () => {
    // Act
    const { messages } = await trackParcels('5001', { 'AWB-A': 'DELIVERED', 'AWB-B': 'DELIVERED', 'AWB-C': 'DELIVERED' }, ['AWB-A', 'AWB-B', 'AWB-C']);

    // Assess
    expect(messages.map(({ orderId, awb, index }) => ({ orderId, awb, index })).sort((a, b) => a.index - b.index)).toEqual([
      { orderId: '5001', awb: 'AWB-A', index: 0 },
      { orderId: '5001', awb: 'AWB-B', index: 1 },
      { orderId: '5001', awb: 'AWB-C', index: 2 },
    ]);
    expect(new Set(messages.map((message) => message.taskToken)).size).toBe(3);
  });

  it('resumes each iteration separately and gives the outcomes in item order, with anyReturned true', async () => {
    // Act: answered last parcel first, the middle one returned.
    const { statusWhileAnswering, finished } = await trackParcels(
      '5002',
      { 'AWB-A': 'DELIVERED', 'AWB-B': 'RETURNED_TO_ORIGIN', 'AWB-C': 'DELIVERED' },
      ['AWB-C', 'AWB-B', 'AWB-A'],
    );

    // Assess
    expect(statusWhileAnswering).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output!)).toEqual({ orderId: '5002', outcomes: ['DELIVERED', 'RETURNED', 'DELIVERED'], anyReturned: true });
  });

  it('gives anyReturned false when every parcel was delivered', async () => {
    // Act
    const { finished } = await trackParcels('5003', { 'AWB-A': 'DELIVERED', 'AWB-B': 'DELIVERED', 'AWB-C': 'DELIVERED' }, ['AWB-B', 'AWB-A', 'AWB-C']);

    // Assess
    expect(JSON.parse(finished.output!)).toEqual({ orderId: '5003', outcomes: ['DELIVERED', 'DELIVERED', 'DELIVERED'], anyReturned: false });
  });
});
