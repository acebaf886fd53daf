import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { referencedLogicalId, referencedType, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

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

const dev = synthStage('dev');
const prod = synthStage('prod');
const FOURTEEN_DAYS = 14 * 24 * 3600;

describe('orders table', () => {
  it('bills per request, keeps point-in-time recovery and encrypts at rest', () => {
    dev.orders.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.orders.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('can be torn down in dev', () => {
    dev.orders.hasResource('AWS::DynamoDB::Table', { Properties: Match.objectLike({ DeletionProtectionEnabled: false }), DeletionPolicy: 'Delete' });
  });

  it('is protected from deletion, and retained, in prod', () => {
    prod.orders.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('event archive', () => {
  it.each([
    ['dev', dev, 7],
    ['prod', prod, 365],
  ] as const)('keeps %s events for replay as long as the environment says (%i days)', (_name, synth, days) => {
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

  it('finds the buffer and its two dead-letter queues', () => {
    expect(queues.map((queue) => queue.path).sort()).toEqual([
      'dev/Orders/OrderReceived/Buffer/DeadLetters/Resource',
      'dev/Orders/OrderReceived/Buffer/Queue/Resource',
      'dev/Orders/OrderReceived/Undelivered/Resource',
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

  it('the Order Received buffer redrives to its dead-letter queue after 5 receives', () => {
    const buffer = queues.find((queue) => queue.path === 'dev/Orders/OrderReceived/Buffer/Queue/Resource');
    const deadLetters = queues.find((queue) => queue.path === 'dev/Orders/OrderReceived/Buffer/DeadLetters/Resource');
    expect(buffer?.properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters?.logicalId, 'Arn'] }, maxReceiveCount: 5 });
  });
});

describe('queue consumers', () => {
  // Named after the consuming function: the mapping's own path ends in a generated id.
  const mappings = resourcesOfType<EventSourceMappingProperties>(dev, 'AWS::Lambda::EventSourceMapping').map((mapping) => ({
    ...mapping,
    path: `${mapping.path.split('/SqsEventSource')[0]} ← SQS`,
  }));

  it('finds the order-lifecycle starter mapping', () => {
    expect(mappings).toHaveLength(1);
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
