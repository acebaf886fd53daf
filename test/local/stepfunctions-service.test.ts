import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AwsServiceError,
  createClock,
  LOCAL_REGION,
  silentLogger,
  type Clock,
  type InvokeResult,
} from '../../local/cloud/contracts.ts';
import { StepFunctionsService, type TaskIntegrations } from '../../local/cloud/stepfunctions/index.ts';
import { startJsonEndpoint } from './helpers/json-endpoint.ts';

/** Workflow time at 100× real time: a 60 s heartbeat window is 0.6 s, plenty for a test to answer in. */
const FAST = 100;
/** For tests that wait for a timeout to expire: an hour of workflow time passes in milliseconds. */
const VERY_FAST = 1_000_000;

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/asl/${name}.asl.json`, import.meta.url), 'utf8');
}

interface RecordedCall {
  readonly target: string;
  readonly params: unknown;
}

/** TaskIntegrations that record every call and answer with what the test decides. */
function fakeIntegrations(answers: {
  lambda?: (functionName: string, event: unknown) => InvokeResult | Promise<InvokeResult>;
  service?: (service: string, action: string, params: Record<string, unknown>) => unknown;
}) {
  const calls: RecordedCall[] = [];
  const integrations: TaskIntegrations = {
    async invokeLambda(functionName, event) {
      calls.push({ target: functionName, params: event });
      return answers.lambda ? answers.lambda(functionName, event) : { ok: true, payload: { handled: functionName } };
    },
    async callService(service, action, params) {
      calls.push({ target: `${service}:${action}`, params });
      return answers.service ? answers.service(service, action, params) : {};
    },
  };
  return { integrations, calls };
}

const openHarnesses: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(openHarnesses.splice(0).map((harness) => harness.close()));
});

async function localStepFunctions(integrations: TaskIntegrations, clock: Clock = createClock(FAST)) {
  const service = new StepFunctionsService({ clock, logger: silentLogger, integrations });
  const endpoint = await startJsonEndpoint([service]);
  const sfn = new SFNClient({
    endpoint: endpoint.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const harness = {
    service,
    sfn,
    clock,
    register: (name: string, fixtureName = name) =>
      service.registerStateMachine({ name, definition: fixture(fixtureName), type: 'STANDARD' }),
    close: async () => {
      await service.shutdown();
      sfn.destroy();
      await endpoint.close();
    },
  };
  openHarnesses.push(harness);
  return harness;
}

/** The task token the workflow handed to the queue or function, read from the recorded call. */
function tokenSentIn(call: RecordedCall | undefined): string {
  const params = call?.params as { MessageBody?: { taskToken?: string }; Payload?: { taskToken?: string } } | undefined;
  const token = params?.MessageBody?.taskToken ?? params?.Payload?.taskToken;
  if (!token) throw new Error(`no task token in ${JSON.stringify(call)}`);
  return token;
}

/** The error a call failed with, captured at once so no rejection is left unhandled while others run. */
function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

async function historyTypes(sfn: SFNClient, executionArn: string): Promise<string[]> {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events.map((event) => event.type ?? '');
}

describe('starting executions', () => {
  it('returns the running execution when the same name and input are started again, and runs it once', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const stateMachineArn = register('await-dispatch');
    const start = { stateMachineArn, name: 'brand-a-1001', input: '{"orderId":"1001"}' };

    // Act
    const first = await sfn.send(new StartExecutionCommand(start));
    const second = await sfn.send(new StartExecutionCommand(start));
    await service.idle();

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
    expect(calls.filter((call) => call.target === 'sqs:sendMessage')).toHaveLength(1);
  });

  it('refuses the same name with a different input, and any reuse of a closed execution name', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const stateMachineArn = register('await-dispatch');
    const start = { stateMachineArn, name: 'brand-a-1002', input: '{"orderId":"1002"}' };
    const { executionArn } = await sfn.send(new StartExecutionCommand(start));
    await service.idle();

    // Act
    const differentInput = failureOf(sfn.send(new StartExecutionCommand({ ...start, input: '{"orderId":"other"}' })));
    expect(await differentInput).toMatchObject({ name: 'ExecutionAlreadyExists' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenSentIn(calls[0]), output: '{"carrier":"bluedart"}' }));
    await service.waitForExecution(executionArn!);
    const afterClose = failureOf(sfn.send(new StartExecutionCommand(start)));

    // Assess
    expect(await afterClose).toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('rejects bad names, bad input and unknown state machines with the AWS error codes', async () => {
    // Prepare
    const { integrations } = fakeIntegrations({});
    const { sfn, register } = await localStepFunctions(integrations);
    const stateMachineArn = register('record-order');

    // Act
    const badName = failureOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'has space', input: '{}' })));
    const longName = failureOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'x'.repeat(81), input: '{}' })));
    const badInput = failureOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'ok', input: '{not json' })));
    const hugeInput = failureOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'ok2', input: JSON.stringify({ blob: 'x'.repeat(262_144) }) })));
    const unknown = failureOf(sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}-missing`, input: '{}' })));

    // Assess
    expect(await badName).toMatchObject({ name: 'InvalidName' });
    expect(await longName).toMatchObject({ name: 'InvalidName' });
    expect(await badInput).toMatchObject({ name: 'InvalidExecutionInput' });
    expect(await hugeInput).toMatchObject({ name: 'InvalidExecutionInput' });
    expect(await unknown).toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});

describe('errors that Retry and Catch see', () => {
  it('retries a named Lambda error with backoff, then catches it with its AWS error and cause', async () => {
    // Prepare
    const failure: InvokeResult = { ok: false, errorType: 'ValidationError', errorMessage: 'pincode 000000 does not exist', trace: ['at validate'] };
    const { integrations, calls } = fakeIntegrations({ lambda: () => failure });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('validate-with-retry'), input: '{"orderId":"1003"}' }),
    );

    // Act
    await service.waitForExecution(executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(calls).toHaveLength(3);
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output!) as { outcome: string; failure: { Error: string; Cause: string } };
    expect(output.outcome).toBe('rejected');
    expect(output.failure.Error).toBe('ValidationError');
    expect(JSON.parse(output.failure.Cause)).toEqual({ errorMessage: 'pincode 000000 does not exist', errorType: 'ValidationError', trace: ['at validate'] });
  });

  it('passes the lambda:invoke result shape to the next state when the function succeeds', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({ lambda: () => ({ ok: true, payload: { verdict: 'valid' } }) });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('validate-with-retry'), input: '{"orderId":"1004"}' }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(calls[0]).toEqual({ target: 'arn:aws:lambda:ap-south-1:000000000000:function:validate-order', params: { orderId: '1004' } });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ orderId: '1004', validation: { verdict: 'valid' } });
  });

  it('catches a failed DynamoDB condition by the name DynamoDB.ConditionalCheckFailedException', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({
      service: () => {
        throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
      },
    });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('record-order'), input: '{"orderId":"1005"}' }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(calls[0]).toEqual({
      target: 'dynamodb:putItem',
      params: { TableName: 'orders', Item: { pk: { S: '1005' } }, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const output = JSON.parse(described.output!) as { outcome: string; failure: { Error: string } };
    expect(output.outcome).toBe('duplicate');
    expect(output.failure.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  it('fails the execution with the AWS error name when nothing catches it', async () => {
    // Prepare
    const { integrations } = fakeIntegrations({
      service: () => {
        throw new AwsServiceError('ProvisionedThroughputExceededException', 'slow down');
      },
    });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('record-order'), input: '{"orderId":"1006"}' }),
    );

    // Act
    await service.waitForExecution(executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('DynamoDB.ProvisionedThroughputExceededException');
    expect(described.cause).toContain('slow down');
    expect(described.stopDate).toBeInstanceOf(Date);
  });
});

describe('nested states', () => {
  it('serves the tasks inside Parallel branches and Map iterations locally', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({
      service: (service) => (service === 'events' ? { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } : { MessageId: 'm-1' }),
    });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const input = { orderId: '1007', lines: [{ sku: 'A' }, { sku: 'B' }] };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('submit-and-notify'), input: JSON.stringify(input) }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(calls.map((call) => call.target).sort()).toEqual([
      'arn:aws:lambda:ap-south-1:000000000000:function:submit-to-erp',
      'events:putEvents',
      'events:putEvents',
      'sqs:sendMessage',
    ]);
    const output = JSON.parse(described.output!) as { submitted: unknown[]; notified: unknown[] };
    expect(output.submitted).toEqual([{ handled: 'arn:aws:lambda:ap-south-1:000000000000:function:submit-to-erp' }, { MessageId: 'm-1' }]);
    expect(output.notified).toHaveLength(2);
  });
});

describe('callback tasks (.waitForTaskToken)', () => {
  it('completes the task with the output given to SendTaskSuccess', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('await-dispatch'), input: '{"orderId":"1008"}' }),
    );
    await service.idle();

    // Act
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenSentIn(calls[0]), output: '{"awb":"AWB123"}' }));
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(running.status).toBe('RUNNING');
    expect(calls[0]?.target).toBe('sqs:sendMessage');
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ orderId: '1008', dispatch: { awb: 'AWB123' } });
  });

  it('fails the task with the error and cause given to SendTaskFailure', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('await-dispatch'), input: '{"orderId":"1009"}' }),
    );
    await service.idle();

    // Act
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokenSentIn(calls[0]), error: 'Warehouse.OutOfStock', cause: 'SKU A is gone' }));
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'Warehouse.OutOfStock', cause: 'SKU A is gone' });
  });

  it('stays alive past HeartbeatSeconds while heartbeats keep arriving', async () => {
    // Prepare: HeartbeatSeconds is 60; at speed 200 one heartbeat every 10 s of workflow time is 50 ms apart.
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register, clock } = await localStepFunctions(integrations, createClock(200));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('await-dispatch'), input: '{"orderId":"1010"}' }),
    );
    await service.idle();
    const taskToken = tokenSentIn(calls[0]);

    // Act
    for (let beat = 0; beat < 9; beat += 1) {
      await clock.sleep(10_000);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    }
    const afterNinetySeconds = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Assess
    expect(afterNinetySeconds.status).toBe('RUNNING');
    expect((await service.waitForExecution(executionArn!)).status).toBe('SUCCEEDED');
  });

  it('fails with States.HeartbeatTimeout when no heartbeat arrives in time', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations, createClock(VERY_FAST));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('await-dispatch'), input: '{"orderId":"1011"}' }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);
    const lateAnswer = failureOf(sfn.send(new SendTaskSuccessCommand({ taskToken: tokenSentIn(calls[0]), output: '{}' })));

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(await lateAnswer).toMatchObject({ name: 'TaskTimedOut' });
  });

  it('times out after TimeoutSeconds into the States.Timeout catcher, not the States.TaskFailed one', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations, createClock(VERY_FAST));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('await-delivery'), input: '{"orderId":"1012"}' }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);

    // Assess
    expect(calls[0]?.target).toBe('arn:aws:lambda:ap-south-1:000000000000:function:track-delivery');
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toMatchObject({ outcome: 'delayed', failure: { Error: 'States.Timeout' } });
  });

  it('gives each attempt its own token and refuses unknown or used tokens like AWS', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const stateMachineArn = register('await-dispatch');
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"orderId":"1013"}' }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"orderId":"1014"}' }));
    await service.idle();
    const [firstToken, secondToken] = calls.map(tokenSentIn);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: firstToken, output: '{}' }));
    await service.waitForExecution(first.executionArn!);

    // Act
    const garbage = failureOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })));
    const reused = failureOf(sfn.send(new SendTaskSuccessCommand({ taskToken: firstToken, output: '{}' })));
    const badOutput = failureOf(sfn.send(new SendTaskSuccessCommand({ taskToken: secondToken, output: '{oops' })));

    // Assess
    expect(firstToken).not.toBe(secondToken);
    expect(await garbage).toMatchObject({ name: 'InvalidToken' });
    expect(await reused).toMatchObject({ name: 'TaskDoesNotExist' });
    expect(await badOutput).toMatchObject({ name: 'InvalidOutput' });
  });
});

describe('stopping and listing', () => {
  it('aborts a waiting execution with the given error, and its token stops working', async () => {
    // Prepare
    const { integrations, calls } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations);
    const stateMachineArn = register('await-dispatch');
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'to-stop', input: '{"orderId":"1015"}' }));
    await service.idle();

    // Act
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Ops.Cancelled', cause: 'customer cancelled' }));
    const described = await service.waitForExecution(executionArn!);
    const lateAnswer = failureOf(sfn.send(new SendTaskSuccessCommand({ taskToken: tokenSentIn(calls[0]), output: '{}' })));
    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }));
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));

    // Assess
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Ops.Cancelled', cause: 'customer cancelled' });
    expect(await lateAnswer).toMatchObject({ name: 'TaskDoesNotExist' });
    expect(aborted.executions?.map((execution) => execution.name)).toEqual(['to-stop']);
    expect(running.executions).toEqual([]);
  });
});

describe('time on the local clock', () => {
  it('passes a one-hour Wait state quickly, and times out a plain task after TimeoutSeconds', async () => {
    // Prepare
    const { integrations } = fakeIntegrations({ lambda: () => new Promise<InvokeResult>(() => {}) });
    const { sfn, service, register } = await localStepFunctions(integrations, createClock(VERY_FAST));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('wait-then-complete'), input: '{}' }),
    );

    // Act
    const described = await service.waitForExecution(executionArn!);
    const types = await historyTypes(sfn, executionArn!);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(types).toContain('WaitStateExited');
    expect(types).toContain('LambdaFunctionTimedOut');
  });
  it('closes an execution as TIMED_OUT when it outlives its TimeoutSeconds', async () => {
    // Prepare
    const { integrations } = fakeIntegrations({});
    const { sfn, service, register } = await localStepFunctions(integrations, createClock(VERY_FAST));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: register('order-deadline'), input: '{}' }));

    // Act
    const described = await service.waitForExecution(executionArn!);
    const types = await historyTypes(sfn, executionArn!);

    // Assess
    expect(described).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(types.at(-1)).toBe('ExecutionTimedOut');
    expect(types).not.toContain('SucceedStateEntered');
  });
});

describe('execution history', () => {
  it('lists the states in the order they ran, with the retried task attempts', async () => {
    // Prepare
    const failure: InvokeResult = { ok: false, errorType: 'ValidationError', errorMessage: 'bad' };
    const { integrations } = fakeIntegrations({ lambda: () => failure });
    const { sfn, service, register } = await localStepFunctions(integrations);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: register('validate-with-retry'), input: '{"orderId":"1016"}' }),
    );
    await service.waitForExecution(executionArn!);

    // Act
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assess
    const attempt = ['TaskScheduled', 'TaskStarted', 'TaskFailed'];
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      ...attempt,
      ...attempt,
      ...attempt,
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[1]?.stateEnteredEventDetails?.name).toBe('Validate Order');
    expect(events[4]?.taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'ValidationError' });
    expect(events.map((event) => event.id)).toEqual(events.map((_event, index) => index + 1));
  });
});

describe('registering state machines', () => {
  it('refuses a resource the local cloud cannot serve, naming the state machine and the state', () => {
    // Prepare
    const { integrations } = fakeIntegrations({});
    const service = new StepFunctionsService({ clock: createClock(FAST), logger: silentLogger, integrations });
    const definition = JSON.stringify({
      StartAt: 'Upload Invoice',
      States: { 'Upload Invoice': { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:putObject', Parameters: { Bucket: 'b', Key: 'k' }, End: true } },
    });

    // Act
    const registering = () => service.registerStateMachine({ name: 'invoices', definition, type: 'STANDARD' });

    // Assess
    expect(registering).toThrow(/state machine "invoices".*"Upload Invoice".*unsupported Task resource "arn:aws:states:::aws-sdk:s3:putObject"/);
  });

  it('refuses a definition that is not valid ASL, naming the state machine', () => {
    // Prepare
    const { integrations } = fakeIntegrations({});
    const service = new StepFunctionsService({ clock: createClock(FAST), logger: silentLogger, integrations });
    const definition = JSON.stringify({ StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } });

    // Act
    const registering = () => service.registerStateMachine({ name: 'broken', definition, type: 'STANDARD' });

    // Assess
    expect(registering).toThrow(/state machine "broken" has an invalid definition/);
  });
});
