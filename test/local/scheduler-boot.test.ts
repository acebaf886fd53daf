import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../local/cloud/cloud.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, silentLogger } from '../../local/cloud/contracts.ts';
import { UnsupportedTemplateError } from '../../local/cloud/template/errors.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

const created: string[] = [];

/** Writes the handler the schedules target: it logs each event to FIRE_LOG and reports its environment. */
const HANDLER = `
const { appendFileSync } = require('node:fs');
exports.handler = async (event) => {
  if (process.env.FIRE_LOG) appendFileSync(process.env.FIRE_LOG, JSON.stringify(event) + '\\n');
  return { event, wms: process.env.WMS_BASE_URL ?? null };
};`;

/** The resources CDK synthesizes for `scheduler.Schedule` + `LambdaInvoke`, plus what boot needs. */
function jobsStack(): Resources {
  const fn = (logicalId: string, variables: Record<string, string>) => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      Code: { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'jobs.zip' },
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Role: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
      Environment: { Variables: variables },
    },
    Metadata: { 'aws:asset:path': 'asset.jobs', 'aws:cdk:path': `dev/Jobs/${logicalId}/Resource` },
  });
  return {
    FunctionRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
    PollFn: fn('PollFn', { WMS_BASE_URL: 'https://wms.example.com', FIRE_LOG: '' }),
    SweepFn: fn('SweepFn', { STAGE: 'dev' }),
    ScheduleDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs-scheduler-dlq' } },
    SchedulerRoleForTargetc509fbA8A36E4F: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': {
                    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule-group/default']],
                  },
                },
              },
            },
          ],
          Version: '2012-10-17',
        },
      },
    },
    PollStock: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Description: 'd',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Name: 'poll-stock',
        ScheduleExpression: 'rate(1 minute)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['PollFn', 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ScheduleDlq', 'Arn'] } },
          Input: '{"job":"poll"}',
          RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
          RoleArn: { 'Fn::GetAtt': ['SchedulerRoleForTargetc509fbA8A36E4F', 'Arn'] },
        },
      },
      Metadata: { 'aws:cdk:path': 'dev/Jobs/PollStock/Resource' },
    },
    Reconcile: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        FlexibleTimeWindow: { Mode: 'OFF' },
        Name: 'reconcile',
        ScheduleExpression: 'rate(15 minutes)',
        State: 'DISABLED',
        Target: { Arn: { 'Fn::GetAtt': ['SweepFn', 'Arn'] }, RoleArn: { 'Fn::GetAtt': ['SchedulerRoleForTargetc509fbA8A36E4F', 'Arn'] } },
      },
    },
    ExpirySweep: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        FlexibleTimeWindow: { Mode: 'OFF' },
        ScheduleExpression: 'at(2199-01-01T03:00:00)',
        ScheduleExpressionTimezone: 'Asia/Kolkata',
        Target: { Arn: { 'Fn::GetAtt': ['SweepFn', 'Arn'] }, Input: '{"job":"sweep"}', RoleArn: 'arn:aws:iam::000000000000:role/any' },
      },
      Metadata: { 'aws:cdk:path': 'dev/Jobs/ExpirySweep/Resource' },
    },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'jobs', ProtocolType: 'HTTP' } },
  };
}

/** A one-stack cloud assembly for stage `dev`, laid out like `cdk.out`. */
function writeAssembly(resources: Resources): string {
  const root = mkdtempSync(join(tmpdir(), 'scheduler-assembly-'));
  created.push(root);
  const stage = join(root, 'assembly-dev');
  mkdirSync(join(stage, 'asset.jobs'), { recursive: true });
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: {} }));
  writeFileSync(
    join(stage, 'manifest.json'),
    JSON.stringify({ version: '48.0.0', artifacts: { devJobs: { type: 'aws:cloudformation:stack', properties: { templateFile: 'devJobs.template.json', stackName: 'dev-Jobs' } } } }),
  );
  writeFileSync(join(stage, 'devJobs.template.json'), JSON.stringify({ Resources: resources }));
  writeFileSync(join(stage, 'asset.jobs', 'index.js'), HANDLER);
  return root;
}

function boot(assemblyDir: string, extra: Partial<Parameters<typeof LocalCloud.boot>[0]> = {}): Promise<LocalCloud> {
  return LocalCloud.boot({ assemblyDir, logger: silentLogger, logDir: join(assemblyDir, 'logs'), ...extra });
}

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('booting schedules the local cloud cannot run', () => {
  it('stops on a target that is not a Lambda function, naming the logical id', async () => {
    const resources = jobsStack();
    (resources.PollStock!.Properties!.Target as Record<string, unknown>).Arn = { 'Fn::GetAtt': ['ScheduleDlq', 'Arn'] };
    const error = await boot(writeAssembly(resources)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnsupportedTemplateError);
    expect((error as Error).message).toBe(
      `dev-Jobs/PollStock: target arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:jobs-scheduler-dlq (only Lambda function targets) is not supported by the local cloud`,
    );
  });

  it('stops on a flexible time window, a schedule group, a templated target and an L in the cron', async () => {
    const cases: [(properties: Record<string, unknown>) => void, string][] = [
      [(p) => (p.FlexibleTimeWindow = { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 }), 'FlexibleTimeWindow Mode FLEXIBLE'],
      [(p) => (p.GroupName = 'jobs'), 'GroupName jobs (schedules outside the default group)'],
      [(p) => ((p.Target as Record<string, unknown>).SqsParameters = { MessageGroupId: 'g' }), 'target property SqsParameters'],
      [(p) => (p.ScheduleExpression = 'cron(0 0 L * ? *)'), 'day-of-month "L" in ScheduleExpression cron(0 0 L * ? *)'],
    ];
    for (const [edit, what] of cases) {
      const resources = jobsStack();
      edit(resources.PollStock!.Properties!);
      await expect(boot(writeAssembly(resources))).rejects.toThrow(`dev-Jobs/PollStock: ${what}`);
    }
  });

  it('stops on an invalid expression and on an unknown property', async () => {
    const badRate = jobsStack();
    badRate.PollStock!.Properties!.ScheduleExpression = 'rate(0 minutes)';
    await expect(boot(writeAssembly(badRate))).rejects.toThrow('dev-Jobs/PollStock: schedule expression rate(0 minutes) is not valid: rate value must be a whole number ≥ 1');
    const unknown = jobsStack();
    unknown.PollStock!.Properties!.ActionAfterCompletion = 'DELETE';
    await expect(boot(writeAssembly(unknown))).rejects.toThrow('dev-Jobs/PollStock: property ActionAfterCompletion of AWS::Scheduler::Schedule is not supported by the local cloud');
  });

  it('stops on a functionEnvironment key that no function declares', async () => {
    await expect(boot(writeAssembly(jobsStack()), { functionEnvironment: { WMS_BASE_URL: 'http://127.0.0.1:1', SHOPIFY_ADMIN_URL: 'x' } })).rejects.toThrow(
      'functionEnvironment SHOPIFY_ADMIN_URL: no function of this stage declares this variable; declared: FIRE_LOG, STAGE, WMS_BASE_URL',
    );
  });
});

describe('a stage with schedules', () => {
  let cloud: LocalCloud;
  let fireLog: string;
  const pollFnArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:dev-Jobs-PollFn`;
  const dlqArn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:jobs-scheduler-dlq`;
  const firings = () => (existsSync(fireLog) ? readFileSync(fireLog, 'utf8').trim().split('\n').filter(Boolean).length : 0);
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    const assemblyDir = writeAssembly(jobsStack());
    fireLog = join(assemblyDir, 'fired.log');
    // A minute of clock time passes in 100 ms.
    cloud = await boot(assemblyDir, {
      clockSpeed: 600,
      eventRetryBaseDelayMs: 100,
      functionEnvironment: { WMS_BASE_URL: 'http://127.0.0.1:9/wms', FIRE_LOG: fireLog },
    });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('lists the schedules with when they fire next', () => {
    const schedules = cloud.schedules();
    expect(schedules.map(({ name, expression, state }) => ({ name, expression, state }))).toEqual([
      { name: 'poll-stock', expression: 'rate(1 minute)', state: 'ENABLED' },
      { name: 'reconcile', expression: 'rate(15 minutes)', state: 'DISABLED' },
      { name: 'dev-Jobs-ExpirySweep', expression: 'at(2199-01-01T03:00:00)', state: 'ENABLED' },
    ]);
    expect(schedules[0]!.nextFireAt).toBeGreaterThan(cloud.clock.now());
    expect(schedules[1]!.nextFireAt).toBeUndefined();
    // 03:00 in India is 21:30 UTC the day before.
    expect(schedules[2]!.nextFireAt).toBe(Date.parse('2198-12-31T21:30:00Z'));
  });

  it('runs a schedule by hand, with the overridden environment and nothing added', async () => {
    await expect(cloud.runSchedule('poll-stock')).resolves.toEqual({ event: { job: 'poll' }, wms: 'http://127.0.0.1:9/wms' });
    // By logical id: a disabled schedule still runs by hand; its function declares no WMS_BASE_URL.
    await expect(cloud.runSchedule('Reconcile')).resolves.toEqual({ event: {}, wms: null });
    await expect(cloud.runSchedule('Jobs/ExpirySweep')).resolves.toEqual({ event: { job: 'sweep' }, wms: null });
  });

  it('fires on the local clock, retries refused invocations and dead-letters them', async () => {
    // Prepare
    const before = firings();

    // Act: two firings reach the function, then Lambda refuses every invocation.
    await until(() => firings() >= before + 2, 'two firings');
    cloud.failNextDeliveries(pollFnArn, 1_000);
    await until(() => cloud.sqs.messages(dlqArn).length > 0, 'a dead-lettered invocation');
    cloud.failNextDeliveries(pollFnArn, 0);

    // Assess
    const [message] = cloud.sqs.messages(dlqArn);
    expect(JSON.parse(message!.body)).toEqual({ job: 'poll' });
    expect(message!.messageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'InjectedFault' },
      EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { StringValue: '2' },
      SCHEDULE_ARN: { StringValue: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/poll-stock` },
      TARGET_ARN: { StringValue: pollFnArn },
    });
  });

  it('idles without waiting for future firings, and fires nothing after stop', async () => {
    const started = Date.now();
    await cloud.idle();
    expect(Date.now() - started).toBeLessThan(2_000);

    await cloud.stop();
    const atStop = firings();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(firings()).toBe(atStop);
    expect(cloud.schedules().every((schedule) => schedule.nextFireAt === undefined)).toBe(true);
  });
});
