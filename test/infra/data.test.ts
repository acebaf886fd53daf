import { describe, expect, it } from 'vitest';
import {
  describeArn,
  referencedLogicalId,
  referencedType,
  resourceAt,
  resourcesOfType,
  synthStage,
  type FoundResource,
  type SynthesizedStage,
} from '../helpers/synth-stage.ts';

interface QueueProperties {
  readonly SqsManagedSseEnabled?: boolean;
  readonly KmsMasterKeyId?: unknown;
  readonly MessageRetentionPeriod?: number;
  readonly VisibilityTimeout?: number;
  readonly RedrivePolicy?: { readonly deadLetterTargetArn?: unknown; readonly maxReceiveCount?: number };
}
interface EventSourceMappingProperties {
  readonly EventSourceArn?: unknown;
  readonly FunctionName?: unknown;
  readonly FunctionResponseTypes?: string[];
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
}

interface TableProperties {
  readonly TableName?: string;
  readonly KeySchema?: { readonly AttributeName: string; readonly KeyType: string }[];
  readonly AttributeDefinitions?: { readonly AttributeName: string; readonly AttributeType: string }[];
  readonly TimeToLiveSpecification?: { readonly AttributeName?: string; readonly Enabled?: boolean };
}
interface BucketProperties {
  readonly BucketEncryption?: { readonly ServerSideEncryptionConfiguration?: { readonly ServerSideEncryptionByDefault?: { readonly SSEAlgorithm?: string } }[] };
  readonly PublicAccessBlockConfiguration?: Record<string, boolean>;
  readonly LifecycleConfiguration?: { readonly Rules?: Record<string, unknown>[] };
}

const dev = synthStage('dev');
const staging = synthStage('staging');
const prod = synthStage('prod');
const FOURTEEN_DAYS = 14 * 24 * 3600;

const tableAt = (synth: SynthesizedStage, pathSuffix: string) => resourceAt<TableProperties>(synth, 'AWS::DynamoDB::Table', pathSuffix);
/** The CloudFormation resource itself, with DeletionPolicy and UpdateReplacePolicy. */
const resourceOf = (found: FoundResource<unknown>) => (found.template.toJSON().Resources as Record<string, Record<string, unknown>>)[found.logicalId] ?? {};

describe('DynamoDB tables', () => {
  it('finds the config, orders and idempotency tables, and no other', () => {
    expect(resourcesOfType(dev, 'AWS::DynamoDB::Table').map((table) => table.path).sort()).toEqual([
      'dev/Intake/Idempotency/Table/Resource',
      'dev/Orders/Orders/Table/Resource',
      'dev/Platform/Config/Table/Resource',
    ]);
    dev.platform.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.intake.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.orders.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  it.each(resourcesOfType(dev, 'AWS::DynamoDB::Table').map((table) => [table.path, table] as const))('%s bills per request, keeps point-in-time recovery and encrypts at rest', (_path, table) => {
    expect(table.properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)('the %s config and orders tables have the names the ops CLI uses, keyed pk/sk', (name, synth) => {
    const key = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] };
    expect(tableAt(synth, '/Platform/Config/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-config`, ...key });
    expect(tableAt(synth, '/Orders/Orders/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-orders`, ...key });
  });

  it('the idempotency table has the Powertools layout: key `id` only, items expire by `expiration`', () => {
    const { properties } = tableAt(dev, '/Intake/Idempotency/Table/Resource');
    expect(properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(properties.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(properties.TableName, 'generated: no tool outside the stack needs it').toBeUndefined();
  });

  it.each(['/Platform/Config/Table/Resource', '/Orders/Orders/Table/Resource', '/Intake/Idempotency/Table/Resource'])('%s can be torn down in dev', (path) => {
    expect(resourceOf(tableAt(dev, path))).toMatchObject({ Properties: expect.objectContaining({ DeletionProtectionEnabled: false }), DeletionPolicy: 'Delete' });
  });

  it.each(['/Platform/Config/Table/Resource', '/Orders/Orders/Table/Resource'])('%s is protected from deletion, and retained, in prod', (path) => {
    expect(resourceOf(tableAt(prod, path))).toMatchObject({
      Properties: expect.objectContaining({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('the idempotency table stays disposable in prod: it only holds 48 h of delivery ids that expire anyway', () => {
    expect(resourceOf(tableAt(prod, '/Intake/Idempotency/Table/Resource'))).toMatchObject({
      Properties: expect.objectContaining({ DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
    });
  });
});

describe('raw webhook archive', () => {
  const bucketOf = (synth: SynthesizedStage) => resourceAt<BucketProperties>(synth, 'AWS::S3::Bucket', '/Intake/RawArchive/Resource');

  it('is the only bucket', () => {
    expect(resourcesOfType(dev, 'AWS::S3::Bucket').map((bucket) => bucket.path)).toEqual(['dev/Intake/RawArchive/Resource']);
  });

  it('encrypts with S3-managed keys and blocks every kind of public access', () => {
    const { properties } = bucketOf(dev);
    expect(properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });

  it('refuses every request not made over TLS, and its policy allows nothing', () => {
    const bucket = bucketOf(dev);
    const policies = resourcesOfType<{ Bucket: unknown; PolicyDocument: { Statement: Record<string, unknown>[] } }>(dev, 'AWS::S3::BucketPolicy').filter(
      (policy) => referencedLogicalId(policy.properties.Bucket) === bucket.logicalId,
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: [{ 'Fn::GetAtt': [bucket.logicalId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket.logicalId, 'Arn'] }, '/*']] }],
      },
    ]);
  });

  it.each([
    ['dev', 30, dev, []],
    ['staging', 90, staging, [{ Id: 'infrequent-access-after-30-days', Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }]],
    ['prod', 730, prod, [{ Id: 'infrequent-access-after-30-days', Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }]],
  ] as const)('keeps %s webhooks %i days, moving them to infrequent access after 30 days only when kept past 60', (_name, days, synth, transitions) => {
    expect(synth.config.rawArchiveRetentionDays).toBe(days);
    expect(bucketOf(synth).properties.LifecycleConfiguration?.Rules).toEqual([{ Id: 'expire-raw-webhooks', Status: 'Enabled', ExpirationInDays: days }, ...transitions]);
  });

  it('can be torn down in dev, and is retained in prod', () => {
    expect(resourceOf(bucketOf(dev))).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(resourceOf(bucketOf(prod))).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('event archive', () => {
  it.each([
    ['dev', 7, dev],
    ['prod', 365, prod],
  ] as const)('keeps %s events for replay as long as the environment says (%i days)', (_name, days, synth) => {
    expect(synth.config.archiveRetentionDays).toBe(days);
    synth.platform.resourceCountIs('AWS::Events::Archive', 1);
    synth.platform.hasResourceProperties('AWS::Events::Archive', { RetentionDays: days });
  });
});

describe('queues', () => {
  const queues = resourcesOfType<QueueProperties>(dev, 'AWS::SQS::Queue');
  const ruleDeadLetterIds = resourcesOfType<{ Targets?: { DeadLetterConfig?: { Arn?: unknown } }[] }>(dev, 'AWS::Events::Rule').flatMap((rule) =>
    (rule.properties.Targets ?? []).map((target) => referencedLogicalId(target.DeadLetterConfig?.Arn)),
  );
  const redriveTargetIds = queues.map((queue) => referencedLogicalId(queue.properties.RedrivePolicy?.deadLetterTargetArn));
  const isDeadLetterQueue = (logicalId: string) => ruleDeadLetterIds.includes(logicalId) || redriveTargetIds.includes(logicalId);

  it('finds the order-events buffer and its two dead-letter queues, and the legacy hand-off queue and its dead-letter queue', () => {
    expect(queues.map((queue) => queue.path).sort()).toEqual([
      'dev/Orders/LegacyHandoff/DeadLetters/Resource',
      'dev/Orders/LegacyHandoff/Queue/Resource',
      'dev/Orders/OrderEvents/Buffer/DeadLetters/Resource',
      'dev/Orders/OrderEvents/Buffer/Queue/Resource',
      'dev/Orders/OrderEvents/Undelivered/Resource',
    ]);
  });

  it.each(queues.map((queue) => [queue.path, queue] as const))('%s is encrypted with SQS-managed keys', (_path, queue) => {
    expect(queue.properties.SqsManagedSseEnabled).toBe(true);
  });

  it.each(queues.map((queue) => [queue.path, queue] as const))('%s moves a message it cannot hand over to a DLQ, or is one that keeps it 14 days', (_path, queue) => {
    if (isDeadLetterQueue(queue.logicalId)) {
      expect(queue.properties.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
    } else {
      expect(queue.properties.RedrivePolicy?.maxReceiveCount).toBeGreaterThan(0);
      expect(referencedType(queue.template, queue.properties.RedrivePolicy?.deadLetterTargetArn)).toBe('AWS::SQS::Queue');
    }
  });

  it('the order-events buffer redrives to its dead-letter queue after 5 receives', () => {
    const buffer = queues.find((queue) => queue.path === 'dev/Orders/OrderEvents/Buffer/Queue/Resource');
    const deadLetters = queues.find((queue) => queue.path === 'dev/Orders/OrderEvents/Buffer/DeadLetters/Resource');
    expect(buffer?.properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters?.logicalId, 'Arn'] }, maxReceiveCount: 5 });
  });

  it('the legacy hand-off queue redrives to its own dead-letter queue after 10 receives; both are SSE-encrypted, the DLQ keeps 14 days', () => {
    const handoff = queues.find((queue) => queue.path === 'dev/Orders/LegacyHandoff/Queue/Resource');
    const deadLetters = queues.find((queue) => queue.path === 'dev/Orders/LegacyHandoff/DeadLetters/Resource');
    expect(handoff?.properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 300,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters?.logicalId, 'Arn'] }, maxReceiveCount: 10 },
    });
    expect(deadLetters?.properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: FOURTEEN_DAYS });
    expect(deadLetters?.properties.RedrivePolicy).toBeUndefined();
  });
});

describe('queue consumers', () => {
  // Named after the consuming function: the mapping's own path ends in a generated id.
  const mappings = resourcesOfType<EventSourceMappingProperties>(dev, 'AWS::Lambda::EventSourceMapping').map((mapping) => ({
    ...mapping,
    path: `${mapping.path.split('/SqsEventSource')[0]} ← SQS`,
  }));

  it('finds the one mapping: ApplyOrderEvent consumes the order-events buffer', () => {
    expect(mappings).toHaveLength(1);
    const [mapping] = mappings;
    expect(mapping?.path).toBe('dev/Orders/ApplyOrderEvent/Function ← SQS');
    expect(describeArn(dev, 'orders', mapping?.properties.FunctionName)).toBe('dev/Orders/ApplyOrderEvent/Function/Resource');
    expect(describeArn(dev, 'orders', mapping?.properties.EventSourceArn)).toBe('dev/Orders/OrderEvents/Buffer/Queue/Resource');
  });

  it.each(mappings.map((mapping) => [mapping.path, mapping] as const))('%s caps concurrency and retries only the failed records', (_path, mapping) => {
    expect(mapping.properties.ScalingConfig?.MaximumConcurrency).toBe(Math.max(2, dev.config.starterMaxConcurrency));
    expect(mapping.properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it.each(mappings.map((mapping) => [mapping.path, mapping] as const))(
    '%s: the queue hides a message for at least 6× the function timeout, so it is not redelivered mid-flight',
    (_path, mapping) => {
      const resources = mapping.template.toJSON().Resources;
      const queue = resources[referencedLogicalId(mapping.properties.EventSourceArn) as string];
      const fn = resources[referencedLogicalId(mapping.properties.FunctionName) as string];
      expect(queue?.Type).toBe('AWS::SQS::Queue');
      expect(fn?.Type).toBe('AWS::Lambda::Function');
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    },
  );
});
