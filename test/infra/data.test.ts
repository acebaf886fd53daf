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
import { INVENTORY_TABLE_SCHEMA, RTO_STATS_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';

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
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly FunctionResponseTypes?: string[];
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
}
interface ScheduleProperties {
  readonly Target?: { readonly Arn?: unknown; readonly DeadLetterConfig?: { readonly Arn?: unknown } };
}

interface TableProperties {
  readonly TableName?: string;
  readonly KeySchema?: { readonly AttributeName: string; readonly KeyType: string }[];
  readonly AttributeDefinitions?: { readonly AttributeName: string; readonly AttributeType: string }[];
  readonly TimeToLiveSpecification?: { readonly AttributeName?: string; readonly Enabled?: boolean };
  readonly GlobalSecondaryIndexes?: Record<string, unknown>[];
  readonly BillingMode?: string;
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
  it('finds the config, idempotency, RTO statistics, shipments, inventory, orders, ops-tasks and notifications tables, one per stack but two in fulfilment and two in orders, and no other', () => {
    expect(resourcesOfType(dev, 'AWS::DynamoDB::Table').map((table) => table.path).sort()).toEqual([
      'dev/Fulfilment/RtoStats/Table/Resource',
      'dev/Fulfilment/Shipments/Table/Resource',
      'dev/Intake/Idempotency/Table/Resource',
      'dev/Inventory/Inventory/Table/Resource',
      'dev/Notifications/Notifications/Table/Resource',
      'dev/Orders/OpsTasks/Table/Resource',
      'dev/Orders/Orders/Table/Resource',
      'dev/Platform/Config/Table/Resource',
    ]);
    dev.platform.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.intake.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.fulfilment.resourceCountIs('AWS::DynamoDB::Table', 2);
    dev.inventory.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.orders.resourceCountIs('AWS::DynamoDB::Table', 2);
    dev.notifications.resourceCountIs('AWS::DynamoDB::Table', 1);
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
  ] as const)('the %s config, orders, inventory, RTO statistics, shipments, ops-tasks and notifications tables have the names the ops CLI uses, keyed pk/sk', (name, synth) => {
    const key = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] };
    expect(tableAt(synth, '/Platform/Config/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-config`, ...key });
    expect(tableAt(synth, '/Orders/Orders/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-orders`, ...key });
    expect(tableAt(synth, '/Inventory/Inventory/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-inventory`, ...key });
    // The local system seeds it by name, and ops read it by name.
    expect(tableAt(synth, '/Fulfilment/RtoStats/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-rto-stats`, ...key });
    // Tracking finds shipments (and their parked task tokens) by id and by AWB in it.
    expect(tableAt(synth, '/Fulfilment/Shipments/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-shipments`, ...key });
    // The ops API and the ops CLI list and resolve escalated failures in it.
    expect(tableAt(synth, '/Orders/OpsTasks/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-ops-tasks`, ...key });
    // Ops look up a customer's messages, opt-outs and delivery statuses in it.
    expect(tableAt(synth, '/Notifications/Notifications/Table/Resource').properties).toMatchObject({ TableName: `order-automation-${name}-notifications`, ...key });
  });

  it('the notifications table holds messages, provider-id pointers, contacts and inbound ids under string keys pk/sk, with no index; its items expire by `expiresAt`', () => {
    const { properties } = tableAt(dev, '/Notifications/Notifications/Table/Resource');
    expect(properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(properties.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(properties.GlobalSecondaryIndexes, 'a status webhook finds its message through a pointer item, not an index').toBeUndefined();
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('the ops-tasks table has exactly two indexes of open tasks, oldest first: openByAge (openQueue/openedAt) and openByBrand (openBrand/openedAt), all attributes, string keys; no expiry', () => {
    const { properties } = tableAt(dev, '/Orders/OpsTasks/Table/Resource');
    expect(properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(properties.GlobalSecondaryIndexes).toEqual([
      { IndexName: 'openByAge', KeySchema: [{ AttributeName: 'openQueue', KeyType: 'HASH' }, { AttributeName: 'openedAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'openByBrand', KeySchema: [{ AttributeName: 'openBrand', KeyType: 'HASH' }, { AttributeName: 'openedAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    ]);
    const byName = <T extends { AttributeName: string }>(list: readonly T[] = []) => [...list].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
    // openedAt is an ISO timestamp: as a string it sorts oldest first.
    expect(byName(properties.AttributeDefinitions)).toEqual(byName(['pk', 'sk', 'openQueue', 'openBrand', 'openedAt'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))));
    expect(properties.TimeToLiveSpecification, 'a task must outlive the 30 days the workflow waits for it').toBeUndefined();
  });

  it('the shipments table holds shipments and their AWB lookups under string keys pk/sk, with no index and no expiry (a parked task token must outlive any wait)', () => {
    const { properties } = tableAt(dev, '/Fulfilment/Shipments/Table/Resource');
    expect(properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(properties.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('the RTO statistics table has the layout of RTO_STATS_TABLE_SCHEMA, which its DynamoDB Local suite creates', () => {
    const { properties } = tableAt(dev, '/Fulfilment/RtoStats/Table/Resource');
    expect(properties.KeySchema).toEqual(RTO_STATS_TABLE_SCHEMA.KeySchema);
    expect(properties.AttributeDefinitions).toEqual(RTO_STATS_TABLE_SCHEMA.AttributeDefinitions);
    expect(properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('the inventory table has exactly two indexes: sparse byExpiry (expiryStatus/expiresAt, keys only) and byWarehouse (warehouseId/sku, all attributes)', () => {
    const { properties } = tableAt(dev, '/Inventory/Inventory/Table/Resource');
    expect(properties.GlobalSecondaryIndexes).toEqual([
      { IndexName: 'byExpiry', KeySchema: [{ AttributeName: 'expiryStatus', KeyType: 'HASH' }, { AttributeName: 'expiresAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
      { IndexName: 'byWarehouse', KeySchema: [{ AttributeName: 'warehouseId', KeyType: 'HASH' }, { AttributeName: 'sku', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    ]);
    // expiresAt is epoch seconds: a string key would sort "10…" before "9…" and the sweep would miss reservations.
    expect(properties.AttributeDefinitions).toContainEqual({ AttributeName: 'expiresAt', AttributeType: 'N' });
    expect(properties.TimeToLiveSpecification, 'the sweep releases held stock; a TTL would delete reservations without releasing it').toBeUndefined();
  });

  it.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)('the %s inventory table has the layout of INVENTORY_TABLE_SCHEMA, which the DynamoDB Local suites and benchmarks create (no drift)', (_name, synth) => {
    const { properties } = tableAt(synth, '/Inventory/Inventory/Table/Resource');
    expect(properties.KeySchema).toEqual(INVENTORY_TABLE_SCHEMA.KeySchema);
    const byName = <T extends { AttributeName?: string }>(list: readonly T[] = []) => [...list].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));
    expect(byName(properties.AttributeDefinitions)).toEqual(byName(INVENTORY_TABLE_SCHEMA.AttributeDefinitions));
    expect(properties.GlobalSecondaryIndexes).toEqual(INVENTORY_TABLE_SCHEMA.GlobalSecondaryIndexes);
    expect(properties.BillingMode).toBe(INVENTORY_TABLE_SCHEMA.BillingMode);
    expect(INVENTORY_TABLE_SCHEMA.TimeToLiveSpecification).toBeUndefined();
  });

  it('the idempotency table has the Powertools layout: key `id` only, items expire by `expiration`', () => {
    const { properties } = tableAt(dev, '/Intake/Idempotency/Table/Resource');
    expect(properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(properties.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(properties.TableName, 'generated: no tool outside the stack needs it').toBeUndefined();
  });

  it.each([
    '/Platform/Config/Table/Resource',
    '/Orders/Orders/Table/Resource',
    '/Orders/OpsTasks/Table/Resource',
    '/Inventory/Inventory/Table/Resource',
    '/Intake/Idempotency/Table/Resource',
    '/Fulfilment/Shipments/Table/Resource',
    '/Notifications/Notifications/Table/Resource',
  ])('%s can be torn down in dev', (path) => {
    expect(resourceOf(tableAt(dev, path))).toMatchObject({ Properties: expect.objectContaining({ DeletionProtectionEnabled: false }), DeletionPolicy: 'Delete' });
  });

  it.each([
    '/Platform/Config/Table/Resource',
    '/Orders/Orders/Table/Resource',
    '/Orders/OpsTasks/Table/Resource',
    '/Inventory/Inventory/Table/Resource',
    '/Fulfilment/Shipments/Table/Resource',
    // Opt-outs live here: losing them would message customers who asked not to be.
    '/Notifications/Notifications/Table/Resource',
  ])('%s is protected from deletion, and retained, in prod', (path) => {
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
  /** Dead-letter queues of bus-rule targets (events EventBridge could not deliver). */
  const ruleDeadLetterIds = resourcesOfType<{ Targets?: { DeadLetterConfig?: { Arn?: unknown } }[] }>(dev, 'AWS::Events::Rule').flatMap((rule) =>
    (rule.properties.Targets ?? []).map((target) => referencedLogicalId(target.DeadLetterConfig?.Arn)),
  );
  /** Dead-letter queues of EventBridge Scheduler targets (runs the schedule could not hand to its target). */
  const scheduleDeadLetterIds = resourcesOfType<ScheduleProperties>(dev, 'AWS::Scheduler::Schedule').map((schedule) => referencedLogicalId(schedule.properties.Target?.DeadLetterConfig?.Arn));
  const redriveTargetIds = queues.map((queue) => referencedLogicalId(queue.properties.RedrivePolicy?.deadLetterTargetArn));
  const isDeadLetterQueue = (logicalId: string) => ruleDeadLetterIds.includes(logicalId) || scheduleDeadLetterIds.includes(logicalId) || redriveTargetIds.includes(logicalId);

  it('finds, per bus consumer, its buffer and two dead-letter queues, the legacy hand-off queue and its dead-letter queue, and a missed-runs queue per schedule', () => {
    expect(queues.map((queue) => queue.path).sort()).toEqual([
      'dev/Fulfilment/Cancellations/Buffer/DeadLetters/Resource',
      'dev/Fulfilment/Cancellations/Buffer/Queue/Resource',
      'dev/Fulfilment/Cancellations/Undelivered/Resource',
      'dev/Fulfilment/DeliveryOutcomes/Buffer/DeadLetters/Resource',
      'dev/Fulfilment/DeliveryOutcomes/Buffer/Queue/Resource',
      'dev/Fulfilment/DeliveryOutcomes/Undelivered/Resource',
      'dev/Inventory/Cancellations/Buffer/DeadLetters/Resource',
      'dev/Inventory/Cancellations/Buffer/Queue/Resource',
      'dev/Inventory/Cancellations/Undelivered/Resource',
      'dev/Inventory/ExpirySweep/MissedRuns/Resource',
      'dev/Inventory/Reconciliation/MissedRuns/Resource',
      'dev/Inventory/ShippingProgress/Buffer/DeadLetters/Resource',
      'dev/Inventory/ShippingProgress/Buffer/Queue/Resource',
      'dev/Inventory/ShippingProgress/Undelivered/Resource',
      'dev/Inventory/StockPoll/MissedRuns/Resource',
      'dev/Inventory/StorefrontStock/Buffer/DeadLetters/Resource',
      'dev/Inventory/StorefrontStock/Buffer/Queue/Resource',
      'dev/Inventory/StorefrontStock/Undelivered/Resource',
      'dev/Notifications/CustomerUpdates/Buffer/DeadLetters/Resource',
      'dev/Notifications/CustomerUpdates/Buffer/Queue/Resource',
      'dev/Notifications/CustomerUpdates/Undelivered/Resource',
      'dev/Orders/LegacyHandoff/DeadLetters/Resource',
      'dev/Orders/LegacyHandoff/Queue/Resource',
      'dev/Orders/OrderEvents/Buffer/DeadLetters/Resource',
      'dev/Orders/OrderEvents/Buffer/Queue/Resource',
      'dev/Orders/OrderEvents/Undelivered/Resource',
    ]);
  });

  it('each schedule keeps its missed runs in its own queue, and no queue serves two schedules', () => {
    const pathOf = (logicalId: string | undefined) => queues.find((queue) => queue.logicalId === logicalId && queue.stack === 'inventory')?.path;
    expect(scheduleDeadLetterIds.map(pathOf).sort()).toEqual([
      'dev/Inventory/ExpirySweep/MissedRuns/Resource',
      'dev/Inventory/Reconciliation/MissedRuns/Resource',
      'dev/Inventory/StockPoll/MissedRuns/Resource',
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

  it.each([
    ['Orders/OrderEvents', 5],
    ['Inventory/StorefrontStock', 10],
    ['Inventory/Cancellations', 5],
    ['Inventory/ShippingProgress', 5],
    ['Fulfilment/Cancellations', 5],
    // Quiet hours and provider back-offs return a message to the queue many times before it is given up.
    ['Notifications/CustomerUpdates', 20],
  ] as const)('the %s buffer redrives to its own dead-letter queue after %i receives', (consumer, receives) => {
    const buffer = queues.find((queue) => queue.path === `dev/${consumer}/Buffer/Queue/Resource`);
    const deadLetters = queues.find((queue) => queue.path === `dev/${consumer}/Buffer/DeadLetters/Resource`);
    expect(buffer?.properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters?.logicalId, 'Arn'] }, maxReceiveCount: receives });
  });

  it('the CustomerUpdates buffer hides a message for 360 s (six times the sender\'s timeout), so a provider error is retried after six minutes', () => {
    const buffer = queues.find((queue) => queue.path === 'dev/Notifications/CustomerUpdates/Buffer/Queue/Resource');
    expect(buffer?.properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 360 });
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
  /** The mappings of a stage, each named after its consuming function: the mapping's own path ends in a generated id. */
  const mappingsOf = (synth: SynthesizedStage) =>
    resourcesOfType<EventSourceMappingProperties>(synth, 'AWS::Lambda::EventSourceMapping').map((mapping) => ({
      ...mapping,
      path: `${mapping.path.split('/SqsEventSource')[0]} ← SQS`,
    }));
  const mappings = mappingsOf(dev);

  /** What each consumer is meant to do: the queue it drains, and how much it takes at once. */
  const CONSUMERS = [
    {
      consumer: 'Orders/ApplyOrderEvent',
      queue: 'Orders/OrderEvents/Buffer/Queue',
      batchSize: 10,
      batchingWindow: 1,
      // The burst buffer: never fewer than 2 starters, else as many as the environment allows.
      concurrency: (synth: SynthesizedStage) => Math.max(2, synth.config.starterMaxConcurrency),
    },
    {
      consumer: 'Inventory/PushStorefrontStock',
      queue: 'Inventory/StorefrontStock/Buffer/Queue',
      // The debounce: stock changes within 5 s (up to 500 of them) become one push per brand.
      batchSize: 500,
      batchingWindow: 5,
      // Two pushes at a time stay inside Shopify's rate limit, in every environment.
      concurrency: () => 2,
    },
    {
      consumer: 'Inventory/ReleaseCancelledOrders',
      queue: 'Inventory/Cancellations/Buffer/Queue',
      batchSize: 10,
      batchingWindow: undefined,
      concurrency: () => 2,
    },
    {
      consumer: 'Fulfilment/RecordDeliveryOutcome',
      queue: 'Fulfilment/DeliveryOutcomes/Buffer/Queue',
      batchSize: 10,
      batchingWindow: undefined,
      concurrency: () => 2,
    },
    {
      consumer: 'Inventory/HoldStockUntilDispatch',
      queue: 'Inventory/ShippingProgress/Buffer/Queue',
      batchSize: 10,
      batchingWindow: undefined,
      concurrency: () => 2,
    },
    {
      consumer: 'Fulfilment/CancelShipments',
      queue: 'Fulfilment/Cancellations/Buffer/Queue',
      // Each cancellation may call the WMS once per shipment: small batches.
      batchSize: 5,
      batchingWindow: undefined,
      concurrency: () => 2,
    },
    {
      consumer: 'Notifications/SendNotifications',
      queue: 'Notifications/CustomerUpdates/Buffer/Queue',
      batchSize: 10,
      batchingWindow: undefined,
      // Ten senders stay well inside Meta's 80 messages/s per number, in every environment.
      concurrency: () => 10,
    },
  ] as const;
  const mappingOf = (synth: SynthesizedStage, consumer: string) => mappingsOf(synth).find((mapping) => mapping.path === `${synth.config.name}/${consumer}/Function ← SQS`);

  it('finds the seven mappings: ApplyOrderEvent, PushStorefrontStock, ReleaseCancelledOrders, RecordDeliveryOutcome, HoldStockUntilDispatch, CancelShipments and SendNotifications, each draining its own buffer', () => {
    expect(mappings.map((mapping) => mapping.path).sort()).toEqual(CONSUMERS.map(({ consumer }) => `dev/${consumer}/Function ← SQS`).sort());
    for (const { consumer, queue } of CONSUMERS) {
      const mapping = mappingOf(dev, consumer);
      expect(mapping?.stack, consumer).toBe(consumer.split('/')[0]!.toLowerCase());
      expect(describeArn(dev, mapping?.stack ?? 'platform', mapping?.properties.FunctionName), consumer).toBe(`dev/${consumer}/Function/Resource`);
      expect(describeArn(dev, mapping?.stack ?? 'platform', mapping?.properties.EventSourceArn), consumer).toBe(`dev/${queue}/Resource`);
    }
  });

  describe.each(CONSUMERS)('$consumer ← SQS', ({ consumer, batchSize, batchingWindow, concurrency }) => {
    it.each([
      ['dev', dev],
      ['staging', staging],
      ['prod', prod],
    ] as const)(`in %s takes up to ${batchSize} messages (batching window ${batchingWindow ?? 'none'}), caps concurrency and retries only the failed records`, (_name, synth) => {
      const mapping = mappingOf(synth, consumer);
      expect(mapping?.properties).toMatchObject({ BatchSize: batchSize, ScalingConfig: { MaximumConcurrency: concurrency(synth) }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expect(mapping?.properties.MaximumBatchingWindowInSeconds).toBe(batchingWindow);
    });
  });

  it('ApplyOrderEvent starts as many executions at once as each environment allows (5, 20, 50); the inventory and fulfilment consumers run 2 at a time everywhere, the notification sender 10', () => {
    const concurrency = (synth: SynthesizedStage) => CONSUMERS.map(({ consumer }) => mappingOf(synth, consumer)?.properties.ScalingConfig?.MaximumConcurrency);
    expect([dev, staging, prod].map(concurrency)).toEqual([
      [5, 2, 2, 2, 2, 2, 10],
      [20, 2, 2, 2, 2, 2, 10],
      [50, 2, 2, 2, 2, 2, 10],
    ]);
  });

  /** That the queue `mapping` drains hides a message for at least 6× the consuming function's timeout. */
  const hidesLongEnough = (mapping: (typeof mappings)[number]) => {
    const resources = mapping.template.toJSON().Resources;
    const queue = resources[referencedLogicalId(mapping.properties.EventSourceArn) as string];
    const fn = resources[referencedLogicalId(mapping.properties.FunctionName) as string];
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(fn?.Type).toBe('AWS::Lambda::Function');
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  };
  it.each(mappings.map((mapping) => [mapping.path, mapping] as const))(
    '%s: the queue hides a message for at least 6× the function timeout, so it is not redelivered mid-flight',
    (_path, mapping) => hidesLongEnough(mapping),
  );

});
