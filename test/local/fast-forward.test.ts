/**
 * `LocalCloud.fastForward` on a booted stage: days of local time pass in seconds, a schedule
 * jumped over fires once instead of once per missed period, and a workflow parked on a task
 * token or a long timer does not keep the fast-forward from resolving.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../local/cloud/cloud.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, silentLogger } from '../../local/cloud/contracts.ts';
import type { ExecutionDescription, HistoryEvent } from '../../local/cloud/stepfunctions/index.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

/** Appends every event it receives to FIRE_LOG, one JSON line each. */
const HANDLER = `
const { appendFileSync } = require('node:fs');
exports.handler = async (event) => {
  appendFileSync(process.env.FIRE_LOG, JSON.stringify(event) + '\\n');
  return { ok: true };
};`;

/**
 * One function that a rate(1 minute) schedule, a queue's event source mapping and a workflow all
 * call. The workflow waits an hour, then hands the function a task token and waits for it at most
 * `$.slaSeconds` (TimeoutSecondsPath), escalating on States.Timeout.
 */
function stack(): Resources {
  const workflow = {
    StartAt: 'Cool Off',
    States: {
      'Cool Off': { Type: 'Wait', Seconds: 3600, Next: 'Await Delivery' },
      'Await Delivery': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${TrackFnArn}', Payload: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } },
        TimeoutSecondsPath: '$.slaSeconds',
        ResultPath: '$.delivery',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Escalate' }],
        Next: 'Delivered',
      },
      Delivered: { Type: 'Succeed' },
      Escalate: { Type: 'Pass', Result: 'SLA_BREACHED', ResultPath: '$.outcome', End: true },
    },
  };
  return {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
    TrackFn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'assets', S3Key: 'track.zip' },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Environment: { Variables: { FIRE_LOG: '' } },
      },
      Metadata: { 'aws:asset:path': 'asset.track', 'aws:cdk:path': 'dev/Orders/TrackFn/Resource' },
    },
    ParcelEvents: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'parcel-events', VisibilityTimeout: 30 } },
    ParcelEventsMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['ParcelEvents', 'Arn'] }, FunctionName: { Ref: 'TrackFn' }, BatchSize: 10 },
    },
    PollCarrier: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        FlexibleTimeWindow: { Mode: 'OFF' },
        Name: 'poll-carrier',
        ScheduleExpression: 'rate(1 minute)',
        Target: { Arn: { 'Fn::GetAtt': ['TrackFn', 'Arn'] }, Input: '{"job":"poll-carrier"}', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } },
      },
      Metadata: { 'aws:cdk:path': 'dev/Orders/PollCarrier/Resource' },
    },
    Shipment: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'shipment',
        DefinitionString: JSON.stringify(workflow),
        DefinitionSubstitutions: { TrackFnArn: { 'Fn::GetAtt': ['TrackFn', 'Arn'] } },
        RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
      },
    },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'orders', ProtocolType: 'HTTP' } },
  };
}

function writeAssembly(root: string): void {
  const stage = join(root, 'assembly-dev');
  mkdirSync(join(stage, 'asset.track'), { recursive: true });
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: {} }));
  writeFileSync(
    join(stage, 'manifest.json'),
    JSON.stringify({ version: '48.0.0', artifacts: { devOrders: { type: 'aws:cloudformation:stack', properties: { templateFile: 'devOrders.template.json', stackName: 'dev-Orders' } } } }),
  );
  writeFileSync(join(stage, 'devOrders.template.json'), JSON.stringify({ Resources: stack() }));
  writeFileSync(join(stage, 'asset.track', 'index.js'), HANDLER);
}

describe('fastForward on a booted stage', () => {
  let root: string;
  let fireLog: string;
  let cloud: LocalCloud;
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:shipment`;
  const logged = (): Record<string, unknown>[] =>
    existsSync(fireLog) ? readFileSync(fireLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) : [];
  const scheduledRuns = () => logged().filter((event) => event.job === 'poll-carrier').length;
  const describeExecution = async (executionArn: string) => (await cloud.stepFunctions.handle('DescribeExecution', { executionArn })) as { status: string };
  const history = async (executionArn: string) =>
    ((await cloud.stepFunctions.handle('GetExecutionHistory', { executionArn, maxResults: 1000 })) as { events: (HistoryEvent & { timestamp: number })[] }).events;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fast-forward-assembly-'));
    writeAssembly(root);
    fireLog = join(root, 'fired.log');
    cloud = await LocalCloud.boot({ assemblyDir: root, logger: silentLogger, logDir: join(root, 'logs'), functionEnvironment: { FIRE_LOG: fireLog } });
  });

  afterAll(async () => {
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('fires a rate(1 minute) schedule once, not 2,880 times, across two days', async () => {
    // Prepare
    const before = scheduledRuns();
    const startedAt = cloud.clock.now();
    const realStart = Date.now();

    // Act
    await cloud.fastForward(2 * DAY);

    // Assess
    expect(scheduledRuns() - before).toBe(1);
    expect(cloud.clock.now()).toBeGreaterThanOrEqual(startedAt + 2 * DAY);
    const [poll] = cloud.schedules();
    expect(poll!.nextFireAt).toBeGreaterThan(startedAt + 2 * DAY);
    expect(poll!.nextFireAt! - cloud.clock.now()).toBeLessThanOrEqual(MINUTE);
    expect(Date.now() - realStart).toBeLessThan(10_000);
  });

  it('resolves while an execution waits an hour, then while it is parked on a task token, and times it out after $.slaSeconds', async () => {
    // Prepare
    const { executionArn } = (await cloud.stepFunctions.handle('StartExecution', {
      stateMachineArn,
      name: 'order-7001',
      input: JSON.stringify({ orderId: '7001', slaSeconds: DAY / 1000 }),
    })) as { executionArn: string };

    // Act
    // idle() waits for the one-hour Wait state in clock time; quiescent() and fastForward do not.
    let idled = false;
    void cloud.idle().then(() => (idled = true));
    await cloud.quiescent();
    await cloud.fastForward(30 * MINUTE);
    const duringTheWait = { status: (await describeExecution(executionArn)).status, idled, tokens: logged().filter((event) => event.taskToken).length };
    await cloud.fastForward(HOUR);
    const parked = { status: (await describeExecution(executionArn)).status, tokens: logged().filter((event) => event.orderId === '7001').length };
    await cloud.fastForward(22 * HOUR);
    const stillParked = (await describeExecution(executionArn)).status;
    await cloud.fastForward(2 * HOUR);
    const finished: ExecutionDescription = await cloud.stepFunctions.waitForExecution(executionArn);
    const events = await history(executionArn);

    // Assess
    expect(duringTheWait).toEqual({ status: 'RUNNING', idled: false, tokens: 0 });
    expect(parked).toEqual({ status: 'RUNNING', tokens: 1 });
    expect(stillParked).toBe('RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output!)).toMatchObject({ orderId: '7001', outcome: 'SLA_BREACHED', failure: { Error: 'States.Timeout' } });
    const scheduled = events.find((event) => event.type === 'TaskScheduled')!;
    const timedOut = events.find((event) => event.type === 'TaskTimedOut')!;
    // Timestamps are epoch seconds; the clock also runs in real time between the jumps.
    expect(Math.abs((timedOut.timestamp - scheduled.timestamp) * 1000 - DAY)).toBeLessThanOrEqual(2);
    expect(scheduled.timestamp * 1000 - finished.startDate).toBeGreaterThanOrEqual(HOUR);
  });

  it('delivers queue messages sent meanwhile before the clock jumps on', async () => {
    // Prepare
    const queueUrl = `${cloud.endpointUrl}/${LOCAL_ACCOUNT}/parcel-events`;
    await cloud.sqs.handle('SendMessage', { QueueUrl: queueUrl, MessageBody: JSON.stringify({ awb: 'AWB-7002' }) });

    // Act
    await cloud.fastForward(6 * HOUR, { step: HOUR });

    // Assess
    const records = logged().flatMap((event) => (Array.isArray(event.Records) ? (event.Records as { body: string }[]) : []));
    expect(records.map((record) => JSON.parse(record.body) as unknown)).toEqual([{ awb: 'AWB-7002' }]);
    expect(cloud.sqs.messages(`arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:parcel-events`)).toEqual([]);
  });
});
