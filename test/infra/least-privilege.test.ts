import { describe, expect, it } from 'vitest';
import { BRANDS, brandSecretName, type BrandSecretKind, type WebhookSource } from '../../lib/config/brands.ts';
import { EVENT_SOURCES } from '../../lambdas/shared/events.ts';
import { describeArn, referencedLogicalId, resourceAt, resourcesOfType, synthStage, type StackName } from '../helpers/synth-stage.ts';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  readonly Statement: Statement[];
}

/**
 * The only actions allowed on `Resource: '*'`, because IAM offers no resource-level permission for
 * them. Each is acknowledged with that reason in cdk-nag (AwsSolutions-IAM5[Resource::*]) on the
 * roles of lib/constructs/service-function.ts and the order-lifecycle workflow.
 */
const RESOURCE_WILDCARD_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const synth = synthStage('dev');

/** Every identity-policy statement of the stage, with the roles it is attached to. */
const statements: { stack: StackName; path: string; roleIds: string[]; statement: Statement }[] = [
  ...resourcesOfType<{ PolicyDocument: PolicyDocument; Roles?: unknown[] }>(synth, 'AWS::IAM::Policy'),
  ...resourcesOfType<{ PolicyDocument: PolicyDocument; Roles?: unknown[] }>(synth, 'AWS::IAM::ManagedPolicy'),
].flatMap(({ stack, path, properties }) =>
  properties.PolicyDocument.Statement.map((statement) => ({
    stack,
    path,
    roleIds: asList(properties.Roles).map((role) => referencedLogicalId(role) ?? JSON.stringify(role)),
    statement,
  })),
);
for (const role of resourcesOfType<{ Policies?: { PolicyDocument: PolicyDocument }[] }>(synth, 'AWS::IAM::Role')) {
  for (const policy of role.properties.Policies ?? []) {
    for (const statement of policy.PolicyDocument.Statement) statements.push({ stack: role.stack, path: role.path, roleIds: [role.logicalId], statement });
  }
}
const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');

const WEBHOOK_SOURCES: readonly WebhookSource[] = ['shopify', 'razorpay'];
/** The ServiceFunctions of the inventory stack; each may use the inventory table and publish as the inventory source. */
const INVENTORY_FUNCTIONS = [
  'ReserveStock',
  'ReleaseStock',
  'ReceiveStockWebhook',
  'PollWarehouseStock',
  'ReconcileInventory',
  'ReleaseExpiredReservations',
  'PushStorefrontStock',
  'ReleaseCancelledOrders',
] as const;
const WEBHOOK_FUNCTION: Record<WebhookSource, string> = { shopify: 'ReceiveShopifyWebhook', razorpay: 'ReceiveRazorpayWebhook' };
const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const DYNAMODB_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const DYNAMODB_READ_WRITE = [...DYNAMODB_READ, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();

/** The execution role of the ServiceFunction with construct id `id`, found through the function. */
function roleOf(id: string) {
  const fn = resourceAt<{ Role: unknown }>(synth, 'AWS::Lambda::Function', `/${id}/Function/Resource`);
  const role = referencedLogicalId(fn.properties.Role);
  if (!role) throw new Error(`${fn.path}: Role ${JSON.stringify(fn.properties.Role)} is not a role of the stack`);
  return { logicalId: role, stack: fn.stack };
}

/** The brand secrets of one kind, found by name: `order-automation/dev/<kind>/<brand>`. */
function brandSecrets(source: BrandSecretKind) {
  const names = new Set(BRANDS.map((brand) => brandSecretName('dev', source, brand.id)));
  return resourcesOfType<{ Name?: string }>(synth, 'AWS::SecretsManager::Secret').filter((secret) => names.has(secret.properties.Name ?? ''));
}

/**
 * Everything a role is allowed, as `{ resource: sorted actions }`: each resource named by its
 * construct path (see describeArn), with ` if <condition>` appended when the grant is conditional.
 * Deny statements would make this picture incomplete, so they fail the lookup.
 */
function grantsOf(roleId: string): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const { stack, path, roleIds, statement } of statements.filter(({ roleIds }) => roleIds.includes(roleId))) {
    if (statement.Effect !== 'Allow') throw new Error(`${path}: unexpected ${statement.Effect} statement on ${roleId}`);
    if (roleIds.length !== 1) throw new Error(`${path}: a policy shared by ${roleIds.join(', ')}`);
    const condition = statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : '';
    for (const resource of asList(statement.Resource)) {
      const key = `${describeArn(synth, stack, resource)}${condition}`;
      grants[key] = new Set([...(grants[key] ?? []), ...asList(statement.Action)]);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([resource, actions]) => [resource, [...actions].sort()]));
}

/** Paths of the secrets `roleId` may read. */
function secretsReadBy(roleId: string): string[] {
  return Object.entries(grantsOf(roleId))
    .filter(([, actions]) => actions.some((action) => action.startsWith('secretsmanager:')))
    .map(([resource]) => resource);
}

describe('least privilege', () => {
  it('finds the policies to check', () => {
    expect(allows.length).toBeGreaterThan(10);
  });

  it('grants named actions only: no "*", no service wildcard such as dynamodb:*, no NotAction', () => {
    const wildcards = allows.flatMap(({ path, statement }) =>
      [...asList(statement.Action).filter((action) => action.includes('*')), ...asList(statement.NotAction).map((a) => `NotAction ${a}`)].map(
        (action) => `${path}: ${action}`,
      ),
    );
    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for the actions IAM cannot scope to a resource', () => {
    const onEverything = allows.filter(({ statement }) => asList(statement.Resource).includes('*'));
    expect(onEverything.length, 'X-Ray and log delivery statements exist').toBeGreaterThan(0);
    const outsideAllowList = onEverything.flatMap(({ path, statement }) =>
      asList(statement.Action)
        .filter((action) => !RESOURCE_WILDCARD_ACTIONS.has(action))
        .map((action) => `${path}: ${action} on *`),
    );
    expect(outsideAllowList).toEqual([]);
  });

  it('lets each publisher put events on the bus only under its own source', () => {
    const putEvents = allows.filter(({ statement }) => asList(statement.Action).includes('events:PutEvents'));
    const publishers = putEvents.map(({ stack, path, statement }) => ({
      stack,
      path,
      bus: asList(statement.Resource).map((resource) => describeArn(synth, stack, resource)),
      source: statement.Condition?.StringEquals?.['events:source'],
    }));
    expect(publishers.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { stack: 'intake', path: 'dev/Intake/ReceiveRazorpayWebhook/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.intake },
      { stack: 'intake', path: 'dev/Intake/ReceiveShopifyWebhook/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.intake },
      ...[...INVENTORY_FUNCTIONS].sort().map((id) => ({
        stack: 'inventory',
        path: `dev/Inventory/${id}/Role/DefaultPolicy/Resource`,
        bus: ['dev/Platform/Bus/Resource'],
        source: EVENT_SOURCES.inventory,
      })),
      { stack: 'orders', path: 'dev/Orders/OrderLifecycle/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.orders },
    ]);
    for (const { path, statement } of putEvents) {
      expect(Object.keys(statement.Condition ?? {}), `${path}: PutEvents conditions`).toEqual(['StringEquals']);
      expect(Object.values(EVENT_SOURCES), `${path}: events:source`).toContain(statement.Condition?.StringEquals?.['events:source']);
    }
  });

  describe.each(WEBHOOK_SOURCES)('the %s webhook function', (source) => {
    const role = roleOf(WEBHOOK_FUNCTION[source]);
    const other = WEBHOOK_SOURCES.find((candidate) => candidate !== source) as WebhookSource;

    it(`reads the ${BRANDS.length} ${source} brand secrets, and no other secret`, () => {
      expect(BRANDS).toHaveLength(14);
      expect(brandSecrets(source)).toHaveLength(BRANDS.length);
      const readable = secretsReadBy(role.logicalId).sort();
      expect(readable).toEqual(brandSecrets(source).map((secret) => secret.path).sort());
      expect(readable.filter((path) => brandSecrets(other).some((secret) => secret.path === path))).toEqual([]);
    });

    it(`may PutObject only under ${source}/ in the raw archive, and do nothing else with S3`, () => {
      const s3 = allows.filter(({ roleIds, statement }) => roleIds.includes(role.logicalId) && asList(statement.Action).some((a) => a.startsWith('s3:')));
      expect(s3.map(({ stack, statement }) => ({ actions: asList(statement.Action), resources: asList(statement.Resource).map((r) => describeArn(synth, stack, r)) }))).toEqual([
        { actions: ['s3:PutObject'], resources: [`dev/Intake/RawArchive/Resource/${source}/*`] },
      ]);
    });
  });

  it('lets only the webhook functions touch the raw archive: the shopify, razorpay and WMS ones, each PutObject under its own prefix', () => {
    const s3 = allows.filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('s3:')));
    expect(
      s3
        .map(({ stack, path, statement }) => ({ path, actions: asList(statement.Action), resources: asList(statement.Resource).map((r) => describeArn(synth, stack, r)) }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    ).toEqual([
      { path: 'dev/Intake/ReceiveRazorpayWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/razorpay/*'] },
      { path: 'dev/Intake/ReceiveShopifyWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/shopify/*'] },
      { path: 'dev/Inventory/ReceiveStockWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/wms/*'] },
    ]);
  });

  it('lets each role read only its own secrets: webhook functions their sender\'s secrets, the WMS jobs the WMS API token, the storefront push the Shopify Admin tokens, the status functions the tracking-link key, the ERP and WMS hand-offs each its own access token; nothing else reads secrets', () => {
    const secretGrants = allows.filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('secretsmanager:')));
    for (const { path, statement } of secretGrants) {
      expect(asList(statement.Action).sort(), path).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    const readers = Object.fromEntries([...new Set(secretGrants.flatMap(({ roleIds }) => roleIds))].map((roleId) => [roleId, secretsReadBy(roleId).sort()]));
    const trackingKey = resourceAt(synth, 'AWS::SecretsManager::Secret', '/TrackingLinkKey/Resource');
    const wmsApiToken = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Inventory/WmsApiToken/Resource');
    const wmsWebhookSecret = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Inventory/WmsWebhookSecret/Resource');
    const erpToken = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/ErpAccessToken/Resource');
    const wmsShipmentsToken = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/WmsShipmentsAccessToken/Resource');
    expect(readers).toEqual({
      [roleOf('ReceiveShopifyWebhook').logicalId]: brandSecrets('shopify').map((secret) => secret.path).sort(),
      [roleOf('ReceiveRazorpayWebhook').logicalId]: brandSecrets('razorpay').map((secret) => secret.path).sort(),
      [roleOf('ReceiveStockWebhook').logicalId]: [wmsWebhookSecret.path],
      [roleOf('PollWarehouseStock').logicalId]: [wmsApiToken.path],
      [roleOf('ReconcileInventory').logicalId]: [wmsApiToken.path],
      [roleOf('PushStorefrontStock').logicalId]: brandSecrets('shopify-admin').map((secret) => secret.path).sort(),
      [roleOf('GetOrderStatus').logicalId]: [trackingKey.path],
      [roleOf('TrackOrder').logicalId]: [trackingKey.path],
      [roleOf('SubmitToErp').logicalId]: [erpToken.path],
      [roleOf('CreateWmsShipments').logicalId]: [wmsShipmentsToken.path],
      // The compensation cancels at both systems, so it reads both tokens.
      [roleOf('CancelHandOff').logicalId]: [erpToken.path, wmsShipmentsToken.path].sort(),
    });
  });

  it('holds no secret but the 3 × 14 brand secrets (shopify, razorpay, shopify-admin), the two WMS secrets, the ERP and WMS-shipments access tokens and the tracking-link key', () => {
    const names = resourcesOfType<{ Name?: string }>(synth, 'AWS::SecretsManager::Secret').map((secret) => secret.properties.Name);
    expect(names.sort()).toEqual(
      [
        ...(['shopify', 'razorpay', 'shopify-admin'] as const).flatMap((kind) => BRANDS.map((brand) => brandSecretName('dev', kind, brand.id))),
        'order-automation/dev/wms/api-token',
        'order-automation/dev/wms/webhook-secret',
        'order-automation/dev/erp/access-token',
        'order-automation/dev/wms-shipments/access-token',
        'order-automation/dev/tracking-link-key',
      ].sort(),
    );
    expect(new Set(names).size).toBe(3 * 14 + 2 + 2 + 1);
  });

  it('keeps each secret in the stack of the context that reads it', () => {
    const secrets = resourcesOfType<{ Name?: string }>(synth, 'AWS::SecretsManager::Secret');
    const stackOf = (prefix: string) => [...new Set(secrets.filter((secret) => secret.properties.Name?.startsWith(prefix)).map((secret) => secret.stack))];
    expect({
      shopify: stackOf('order-automation/dev/shopify/'),
      razorpay: stackOf('order-automation/dev/razorpay/'),
      'shopify-admin': stackOf('order-automation/dev/shopify-admin/'),
      wms: stackOf('order-automation/dev/wms/'),
      erp: stackOf('order-automation/dev/erp/'),
      'wms-shipments': stackOf('order-automation/dev/wms-shipments/'),
      'tracking-link-key': stackOf('order-automation/dev/tracking-link-key'),
    }).toEqual({
      shopify: ['intake'],
      razorpay: ['intake'],
      'shopify-admin': ['inventory'],
      wms: ['inventory'],
      erp: ['fulfilment'],
      'wms-shipments': ['fulfilment'],
      'tracking-link-key': ['orders'],
    });
  });

  describe('exact grants of each role: resource → actions', () => {
    const ordersTable = 'dev/Orders/Orders/Table/Resource';
    const ownLogs = (id: string) => ({ [`dev/${id}/Logs/Resource`]: ['logs:CreateLogStream', 'logs:PutLogEvents'] });
    const xray = { '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] };
    const bus = (source: string) => `dev/Platform/Bus/Resource if ${JSON.stringify({ StringEquals: { 'events:source': source } })}`;
    const trackingKey = () => resourceAt(synth, 'AWS::SecretsManager::Secret', '/TrackingLinkKey/Resource').path;

    it.each(WEBHOOK_SOURCES)('Receive %s webhook', (source) => {
      const id = `Intake/${WEBHOOK_FUNCTION[source]}`;
      expect(grantsOf(roleOf(WEBHOOK_FUNCTION[source]).logicalId)).toEqual({
        ...ownLogs(id),
        ...xray,
        [bus(EVENT_SOURCES.intake)]: ['events:PutEvents'],
        [`dev/Intake/RawArchive/Resource/${source}/*`]: ['s3:PutObject'],
        'dev/Intake/Idempotency/Table/Resource': DYNAMODB_READ_WRITE,
        ...Object.fromEntries(brandSecrets(source).map((secret) => [secret.path, SECRET_READ])),
      });
    });

    it('ApplyOrderEvent: reads and writes the orders table, reads the config table, sends to the legacy hand-off, starts executions, consumes its queue', () => {
      expect(grantsOf(roleOf('ApplyOrderEvent').logicalId)).toEqual({
        ...ownLogs('Orders/ApplyOrderEvent'),
        ...xray,
        [ordersTable]: DYNAMODB_READ_WRITE,
        'dev/Platform/Config/Table/Resource': DYNAMODB_READ,
        'dev/Orders/LegacyHandoff/Queue/Resource': ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        'dev/Orders/OrderLifecycle/Resource': ['states:StartExecution'],
        'dev/Orders/OrderEvents/Buffer/Queue/Resource': ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      });
    });

    it.each(['GetOrderStatus', 'TrackOrder'])('%s: reads the orders table and the tracking-link key, nothing more', (id) => {
      expect(grantsOf(roleOf(id).logicalId)).toEqual({
        ...ownLogs(`Orders/${id}`),
        ...xray,
        [ordersTable]: DYNAMODB_READ,
        [trackingKey()]: SECRET_READ,
      });
    });

    it('ValidateOrder: only its logs and traces', () => {
      expect(grantsOf(roleOf('ValidateOrder').logicalId)).toEqual({ ...ownLogs('Orders/ValidateOrder'), ...xray });
    });

    it('the order-lifecycle workflow: only UpdateItem on the orders table, invoking ValidateOrder, ReserveStock, ReleaseStock, SubmitToErp, CreateWmsShipments and CancelHandOff, and publishing as the orders source', () => {
      const workflow = resourceAt<{ RoleArn: unknown }>(synth, 'AWS::StepFunctions::StateMachine', '/OrderLifecycle/Resource');
      const validateOrder = 'dev/Orders/ValidateOrder/Function/Resource';
      expect(grantsOf(referencedLogicalId(workflow.properties.RoleArn) as string)).toEqual({
        '*': [...RESOURCE_WILDCARD_ACTIONS].sort(),
        [ordersTable]: ['dynamodb:UpdateItem'],
        [validateOrder]: ['lambda:InvokeFunction'],
        [`${validateOrder}:*`]: ['lambda:InvokeFunction'],
        // The inventory and fulfilment steps exactly as the workflow invokes them, unqualified: no versions or aliases.
        'dev/Inventory/ReserveStock/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Inventory/ReleaseStock/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/SubmitToErp/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/CreateWmsShipments/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/CancelHandOff/Function/Resource': ['lambda:InvokeFunction'],
        [bus(EVENT_SOURCES.orders)]: ['events:PutEvents'],
      });
    });

    it('CancelHandOff: only its logs and traces and reading both access tokens; no bus, no table', () => {
      const token = (id: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', `/Fulfilment/${id}/Resource`).path;
      expect(grantsOf(roleOf('CancelHandOff').logicalId)).toEqual({
        ...ownLogs('Fulfilment/CancelHandOff'),
        ...xray,
        [token('ErpAccessToken')]: SECRET_READ,
        [token('WmsShipmentsAccessToken')]: SECRET_READ,
      });
    });

    it.each([
      ['SubmitToErp', 'ErpAccessToken'],
      ['CreateWmsShipments', 'WmsShipmentsAccessToken'],
    ])('%s: only its logs and traces and reading its own access token (%s); no bus, no table', (id, token) => {
      expect(grantsOf(roleOf(id).logicalId)).toEqual({
        ...ownLogs(`Fulfilment/${id}`),
        ...xray,
        [resourceAt(synth, 'AWS::SecretsManager::Secret', `/Fulfilment/${token}/Resource`).path]: SECRET_READ,
      });
    });

    it('RecordDeliveryOutcome: only its logs and traces, the RTO statistics and consuming the delivery-outcomes buffer; no bus, no secret', () => {
      const rtoStats = 'dev/Fulfilment/RtoStats/Table/Resource';
      expect(grantsOf(roleOf('RecordDeliveryOutcome').logicalId)).toEqual({
        ...ownLogs('Fulfilment/RecordDeliveryOutcome'),
        ...xray,
        // The table has no index, so there is no index grant.
        [rtoStats]: DYNAMODB_READ_WRITE,
        'dev/Fulfilment/DeliveryOutcomes/Buffer/Queue/Resource': ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      });
    });

    describe('the inventory functions', () => {
      const inventoryTable = 'dev/Inventory/Inventory/Table/Resource';
      /** What every inventory function may do: its logs and traces, the inventory table and its indexes, publishing as the inventory source. */
      const common = (id: string) => ({
        ...ownLogs(`Inventory/${id}`),
        ...xray,
        [inventoryTable]: DYNAMODB_READ_WRITE,
        [`${inventoryTable}/index/*`]: DYNAMODB_READ_WRITE,
        [bus(EVENT_SOURCES.inventory)]: ['events:PutEvents'],
      });
      const secret = (pathSuffix: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', pathSuffix).path;
      const QUEUE_CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];

      /** A scheduled job's function sends its own failed runs to its job's dead-letter queue (Lambda's async DLQ). */
      const missedRuns = (job: string) => ({ [`dev/Inventory/${job}/MissedRuns/Resource`]: ['sqs:SendMessage'] });

      it('ReleaseStock: only the inventory table and publishing as the inventory source', () => {
        expect(grantsOf(roleOf('ReleaseStock').logicalId)).toEqual(common('ReleaseStock'));
      });

      it('ReserveStock (Reserve And Route): also reads the RTO statistics, never writes them', () => {
        expect(grantsOf(roleOf('ReserveStock').logicalId)).toEqual({
          ...common('ReserveStock'),
          // The table has no index, so no index grant either.
          'dev/Fulfilment/RtoStats/Table/Resource': DYNAMODB_READ,
        });
      });

      it('ReleaseExpiredReservations: also records its failed runs in the expiry sweep\'s dead-letter queue', () => {
        expect(grantsOf(roleOf('ReleaseExpiredReservations').logicalId)).toEqual({ ...common('ReleaseExpiredReservations'), ...missedRuns('ExpirySweep') });
      });

      it('ReceiveStockWebhook: also reads the WMS webhook secret and may PutObject under wms/ in the raw archive', () => {
        expect(grantsOf(roleOf('ReceiveStockWebhook').logicalId)).toEqual({
          ...common('ReceiveStockWebhook'),
          [secret('/Inventory/WmsWebhookSecret/Resource')]: SECRET_READ,
          'dev/Intake/RawArchive/Resource/wms/*': ['s3:PutObject'],
        });
      });

      it.each([
        ['PollWarehouseStock', 'StockPoll'],
        ['ReconcileInventory', 'Reconciliation'],
      ])('%s: also reads the WMS API token and records its failed runs in its job\'s dead-letter queue', (id, job) => {
        expect(grantsOf(roleOf(id).logicalId)).toEqual({ ...common(id), [secret('/Inventory/WmsApiToken/Resource')]: SECRET_READ, ...missedRuns(job) });
      });

      it('PushStorefrontStock: also reads the 14 Shopify Admin tokens and consumes the storefront-stock buffer', () => {
        expect(brandSecrets('shopify-admin')).toHaveLength(BRANDS.length);
        expect(grantsOf(roleOf('PushStorefrontStock').logicalId)).toEqual({
          ...common('PushStorefrontStock'),
          ...Object.fromEntries(brandSecrets('shopify-admin').map((token) => [token.path, SECRET_READ])),
          'dev/Inventory/StorefrontStock/Buffer/Queue/Resource': QUEUE_CONSUME,
        });
      });

      it('ReleaseCancelledOrders: also consumes the cancellations buffer', () => {
        expect(grantsOf(roleOf('ReleaseCancelledOrders').logicalId)).toEqual({
          ...common('ReleaseCancelledOrders'),
          'dev/Inventory/Cancellations/Buffer/Queue/Resource': QUEUE_CONSUME,
        });
      });
    });

    describe.each([
      ['StockPoll', 'PollWarehouseStock'],
      ['Reconciliation', 'ReconcileInventory'],
      ['ExpirySweep', 'ReleaseExpiredReservations'],
    ])('the %s schedule\'s role', (job, fn) => {
      const role = () => resourceAt<{ AssumeRolePolicyDocument: PolicyDocument & { Statement: { Principal?: unknown }[] } }>(synth, 'AWS::IAM::Role', `/Inventory/${job}/InvokeRole/Resource`);

      it(`may only invoke ${fn} and record a missed run in its own queue`, () => {
        const functionPath = `dev/Inventory/${fn}/Function/Resource`;
        expect(grantsOf(role().logicalId)).toEqual({
          [functionPath]: ['lambda:InvokeFunction'],
          [`${functionPath}:*`]: ['lambda:InvokeFunction'],
          [`dev/Inventory/${job}/MissedRuns/Resource`]: ['sqs:SendMessage'],
        });
      });

      it('can be assumed only by EventBridge Scheduler, and only for this account', () => {
        expect(role().properties.AssumeRolePolicyDocument.Statement).toEqual([
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]);
      });
    });
  });

  it('attaches no managed policy to any role (every permission above is all a role has)', () => {
    const withManagedPolicies = resourcesOfType<{ ManagedPolicyArns?: unknown[] }>(synth, 'AWS::IAM::Role').filter(
      (role) => (role.properties.ManagedPolicyArns ?? []).length > 0,
    );
    expect(withManagedPolicies.map((role) => role.path)).toEqual([]);
  });
});
