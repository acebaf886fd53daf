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
  'HoldStockUntilDispatch',
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
const QUEUE_CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
const QUEUE_SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
/** The functions of the notifications stack. */
const NOTIFICATIONS_FUNCTIONS = ['SendNotifications', 'ReceiveWhatsAppWebhook', 'ReceiveSendGridEvents'] as const;
const NOTIFICATIONS_TABLE = 'dev/Notifications/Notifications/Table/Resource';
const CUSTOMER_UPDATES_QUEUE = 'dev/Notifications/CustomerUpdates/Buffer/Queue/Resource';
const DYNAMODB_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * The order-lifecycle state machine's ARN as the tracking functions' policies name it: built from
 * its name (a reference to the orders stack would be a cycle, since the workflow invokes fulfilment
 * functions), in the stage's partition, region and account. The name is the one the orders stack deploys.
 */
function orderLifecycleArn(): string {
  const workflow = resourceAt<{ StateMachineName?: string }>(synth, 'AWS::StepFunctions::StateMachine', '/Orders/OrderLifecycle/Resource');
  expect(workflow.properties.StateMachineName).toBe('order-lifecycle-dev');
  const ref = (name: string) => JSON.stringify({ Ref: name });
  return `arn:${ref('AWS::Partition')}:states:${synth.config.region}:${synth.config.account ?? ref('AWS::AccountId')}:stateMachine:${workflow.properties.StateMachineName}`;
}

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

/**
 * The status route of the HTTP API as the WISMO answer's policy names it: built from the API's
 * exported id (order-automation-dev-api-id, which describeArn follows to the API), in the stage's
 * partition, region and account, for GET on /orders/ and nothing else.
 */
function orderStatusRouteArn(): string {
  const ref = (name: string) => JSON.stringify({ Ref: name });
  return `arn:${ref('AWS::Partition')}:execute-api:${synth.config.region}:${synth.config.account ?? ref('AWS::AccountId')}:dev/Intake/Api/Resource/*/GET/orders/*`;
}

/** Every allow on `resource` (a construct path, as describeArn gives it) or under it, as role → sorted actions. */
function grantsOn(resource: string): Record<string, string[]> {
  const byRole: Record<string, Set<string>> = {};
  for (const { stack, roleIds, statement } of allows) {
    const on = asList(statement.Resource).some((candidate) => {
      const described = describeArn(synth, stack, candidate);
      return described === resource || described.startsWith(`${resource}/`);
    });
    if (!on) continue;
    for (const roleId of roleIds) byRole[roleId] = new Set([...(byRole[roleId] ?? []), ...asList(statement.Action)]);
  }
  return Object.fromEntries(Object.entries(byRole).map(([roleId, actions]) => [roleId, [...actions].sort()]));
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
      // A cancellation after the hand-off turns dispatched shipments into returns (Return Requested), as fulfilment.
      { stack: 'fulfilment', path: 'dev/Fulfilment/CancelShipments/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.fulfilment },
      // Tracking publishes each shipment milestone (and the delivery outcomes) as fulfilment.
      { stack: 'fulfilment', path: 'dev/Fulfilment/ReceiveTrackingWebhook/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.fulfilment },
      { stack: 'intake', path: 'dev/Intake/ReceiveRazorpayWebhook/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.intake },
      { stack: 'intake', path: 'dev/Intake/ReceiveShopifyWebhook/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.intake },
      ...[...INVENTORY_FUNCTIONS].sort().map((id) => ({
        stack: 'inventory',
        path: `dev/Inventory/${id}/Role/DefaultPolicy/Resource`,
        bus: ['dev/Platform/Bus/Resource'],
        source: EVENT_SOURCES.inventory,
      })),
      { stack: 'orders', path: 'dev/Orders/OrderLifecycle/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.orders },
      // Address Confirmation Requested, published by the workflow's step that asks the customer, as orders.
      { stack: 'orders', path: 'dev/Orders/RequestAddressConfirmation/Role/DefaultPolicy/Resource', bus: ['dev/Platform/Bus/Resource'], source: EVENT_SOURCES.orders },
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

  it('lets only the webhook functions touch the raw archive: the shopify, razorpay, WMS, tracking, WhatsApp and SendGrid ones, each PutObject under its own prefixes', () => {
    const s3 = allows.filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('s3:')));
    expect(
      s3
        .map(({ stack, path, statement }) => ({ path, actions: asList(statement.Action), resources: asList(statement.Resource).map((r) => describeArn(synth, stack, r)) }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    ).toEqual([
      {
        path: 'dev/Fulfilment/ReceiveTrackingWebhook/Role/DefaultPolicy/Resource',
        actions: ['s3:PutObject'],
        resources: ['dev/Intake/RawArchive/Resource/shipbob/*', 'dev/Intake/RawArchive/Resource/aftership/*'],
      },
      { path: 'dev/Intake/ReceiveRazorpayWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/razorpay/*'] },
      { path: 'dev/Intake/ReceiveShopifyWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/shopify/*'] },
      { path: 'dev/Inventory/ReceiveStockWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/wms/*'] },
      // Through the archive's export, like the WMS and tracking webhooks; the sender archives nothing.
      { path: 'dev/Notifications/ReceiveSendGridEvents/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/sendgrid/*'] },
      { path: 'dev/Notifications/ReceiveWhatsAppWebhook/Role/DefaultPolicy/Resource', actions: ['s3:PutObject'], resources: ['dev/Intake/RawArchive/Resource/whatsapp/*'] },
    ]);
  });

  it('lets each role read only its own secrets: webhook functions their sender\'s secrets, the WMS jobs the WMS API token, the storefront push the Shopify Admin tokens, the status and address-confirmation functions the tracking-link key, the ERP and WMS hand-offs each its own access token, the shipment cancellation the WMS shipments token, the tracking webhook the ShipBob and AfterShip webhook secrets, the notification sender the WhatsApp tokens and the SendGrid API key, the WhatsApp webhook the WhatsApp tokens, the Meta app secret and the verify token, the SendGrid webhook its public key; nothing else reads secrets', () => {
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
    const shipBobWebhookSecret = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/ShipBobWebhookSecret/Resource');
    const afterShipWebhookSecret = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/AfterShipWebhookSecret/Resource');
    const notificationsSecret = (id: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', `/Notifications/${id}/Resource`).path;
    const whatsappTokens = brandSecrets('whatsapp').map((secret) => secret.path);
    expect(whatsappTokens).toHaveLength(BRANDS.length);
    expect(readers).toEqual({
      [roleOf('ReceiveShopifyWebhook').logicalId]: brandSecrets('shopify').map((secret) => secret.path).sort(),
      [roleOf('ReceiveRazorpayWebhook').logicalId]: brandSecrets('razorpay').map((secret) => secret.path).sort(),
      [roleOf('ReceiveStockWebhook').logicalId]: [wmsWebhookSecret.path],
      [roleOf('PollWarehouseStock').logicalId]: [wmsApiToken.path],
      [roleOf('ReconcileInventory').logicalId]: [wmsApiToken.path],
      [roleOf('PushStorefrontStock').logicalId]: brandSecrets('shopify-admin').map((secret) => secret.path).sort(),
      [roleOf('GetOrderStatus').logicalId]: [trackingKey.path],
      [roleOf('TrackOrder').logicalId]: [trackingKey.path],
      // The reply link is signed with a key derived from the tracking-link key: one signs it, the other verifies it.
      [roleOf('RequestAddressConfirmation').logicalId]: [trackingKey.path],
      [roleOf('AnswerAddressConfirmation').logicalId]: [trackingKey.path],
      [roleOf('ShowAddressConfirmation').logicalId]: [trackingKey.path],
      [roleOf('SubmitToErp').logicalId]: [erpToken.path],
      [roleOf('CreateWmsShipments').logicalId]: [wmsShipmentsToken.path],
      // The compensation cancels at both systems, so it reads both tokens.
      [roleOf('CancelHandOff').logicalId]: [erpToken.path, wmsShipmentsToken.path].sort(),
      // It cancels shipments at the WMS only; the workflow cancels the sales order (through CancelHandOff).
      [roleOf('CancelShipments').logicalId]: [wmsShipmentsToken.path],
      // One endpoint for both senders: it verifies each request with its sender's secret.
      [roleOf('ReceiveTrackingWebhook').logicalId]: [shipBobWebhookSecret.path, afterShipWebhookSecret.path].sort(),
      // Each brand writes from its own WhatsApp number; email goes out with the one SendGrid key.
      [roleOf('SendNotifications').logicalId]: [...whatsappTokens, notificationsSecret('SendGridApiKey')].sort(),
      // The handshake checks the verify token, a delivery the app secret's signature; the WISMO answer replies from the brand's number.
      [roleOf('ReceiveWhatsAppWebhook').logicalId]: [...whatsappTokens, notificationsSecret('WhatsAppAppSecret'), notificationsSecret('WhatsAppVerifyToken')].sort(),
      // It only verifies SendGrid's signature; a fallback goes through the queue to the sender.
      [roleOf('ReceiveSendGridEvents').logicalId]: [notificationsSecret('SendGridWebhookPublicKey')],
    });
  });

  it('holds no secret but the 4 × 14 brand secrets (shopify, razorpay, shopify-admin, whatsapp), the two WMS secrets, the ERP and WMS-shipments access tokens, the ShipBob and AfterShip webhook secrets, the tracking-link key, the Meta app secret and verify token, and the SendGrid API key and Event Webhook public key', () => {
    const names = resourcesOfType<{ Name?: string }>(synth, 'AWS::SecretsManager::Secret').map((secret) => secret.properties.Name);
    expect(names.sort()).toEqual(
      [
        ...(['shopify', 'razorpay', 'shopify-admin', 'whatsapp'] as const).flatMap((kind) => BRANDS.map((brand) => brandSecretName('dev', kind, brand.id))),
        'order-automation/dev/wms/api-token',
        'order-automation/dev/wms/webhook-secret',
        'order-automation/dev/erp/access-token',
        'order-automation/dev/wms-shipments/access-token',
        'order-automation/dev/tracking/shipbob-webhook-secret',
        'order-automation/dev/tracking/aftership-webhook-secret',
        'order-automation/dev/tracking-link-key',
        'order-automation/dev/whatsapp/app-secret',
        'order-automation/dev/whatsapp/verify-token',
        'order-automation/dev/sendgrid/api-key',
        'order-automation/dev/sendgrid/event-webhook-public-key',
      ].sort(),
    );
    expect(new Set(names).size).toBe(4 * 14 + 2 + 2 + 2 + 1 + 2 + 2);
    // The brand tokens are named by brand id under the whatsapp/ prefix; no brand may be called like the two shared WhatsApp secrets.
    expect(BRANDS.map((brand) => brand.id)).not.toContain('app-secret');
    expect(BRANDS.map((brand) => brand.id)).not.toContain('verify-token');
  });

  it('lets only AwaitShipment, ReceiveTrackingWebhook, CancelShipments, OpsTasksApi and AnswerAddressConfirmation resume a parked task (states:SendTaskSuccess), only on the order-lifecycle state machine, and nobody fail or heartbeat one', () => {
    const taskResponses = allows.filter(({ statement }) => asList(statement.Action).some((action) => /^states:SendTask/.test(action)));
    expect(
      taskResponses
        .map(({ stack, path, statement }) => ({ stack, path, actions: asList(statement.Action), resources: asList(statement.Resource).map((r) => describeArn(synth, stack, r)) }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    ).toEqual([
      { stack: 'fulfilment', path: 'dev/Fulfilment/AwaitShipment/Role/DefaultPolicy/Resource', actions: ['states:SendTaskSuccess'], resources: [orderLifecycleArn()] },
      // A shipment cancelled at the warehouse ends its branch of the tracking.
      { stack: 'fulfilment', path: 'dev/Fulfilment/CancelShipments/Role/DefaultPolicy/Resource', actions: ['states:SendTaskSuccess'], resources: [orderLifecycleArn()] },
      { stack: 'fulfilment', path: 'dev/Fulfilment/ReceiveTrackingWebhook/Role/DefaultPolicy/Resource', actions: ['states:SendTaskSuccess'], resources: [orderLifecycleArn()] },
      // The customer's answer resumes Confirm Address With Customer; in the workflow's own stack, the ARN is a reference to it.
      { stack: 'orders', path: 'dev/Orders/AnswerAddressConfirmation/Role/DefaultPolicy/Resource', actions: ['states:SendTaskSuccess'], resources: ['dev/Orders/OrderLifecycle/Resource'] },
      // Ops' decision resumes the escalated execution.
      { stack: 'orders', path: 'dev/Orders/OpsTasksApi/Role/DefaultPolicy/Resource', actions: ['states:SendTaskSuccess'], resources: ['dev/Orders/OrderLifecycle/Resource'] },
    ]);
    // Each statement is on exactly those five roles' own policies.
    expect(taskResponses.map(({ roleIds }) => roleIds).sort()).toEqual(
      [
        [roleOf('AwaitShipment').logicalId],
        [roleOf('ReceiveTrackingWebhook').logicalId],
        [roleOf('CancelShipments').logicalId],
        [roleOf('OpsTasksApi').logicalId],
        [roleOf('AnswerAddressConfirmation').logicalId],
      ].sort(),
    );
  });

  it('lets only OpenOpsTask put ops tasks, and only OpsTasksApi read, list and update them; no one else touches the ops-tasks table', () => {
    const opsTasksTable = 'dev/Orders/OpsTasks/Table/Resource';
    const onOpsTasks = allows.flatMap(({ stack, roleIds, statement }) =>
      asList(statement.Resource)
        .map((resource) => describeArn(synth, stack, resource))
        .filter((resource) => resource === opsTasksTable || resource.startsWith(`${opsTasksTable}/`))
        .map((resource) => ({ roleIds, resource, actions: asList(statement.Action).sort() })),
    );
    expect(onOpsTasks.sort((a, b) => `${a.roleIds}${a.resource}`.localeCompare(`${b.roleIds}${b.resource}`))).toEqual(
      [
        { roleIds: [roleOf('OpenOpsTask').logicalId], resource: opsTasksTable, actions: ['dynamodb:PutItem'] },
        { roleIds: [roleOf('OpsTasksApi').logicalId], resource: opsTasksTable, actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
        { roleIds: [roleOf('OpsTasksApi').logicalId], resource: `${opsTasksTable}/index/*`, actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
      ].sort((a, b) => `${a.roleIds}${a.resource}`.localeCompare(`${b.roleIds}${b.resource}`)),
    );
  });

  it('lets no notification function write the orders table: only the sender reads it, and only an order by key (GetItem), not its indexes', () => {
    const onOrders = grantsOn('dev/Orders/Orders/Table/Resource');
    const notificationRoles = NOTIFICATIONS_FUNCTIONS.map((id) => roleOf(id).logicalId);
    expect(Object.fromEntries(Object.entries(onOrders).filter(([roleId]) => notificationRoles.includes(roleId)))).toEqual({
      [roleOf('SendNotifications').logicalId]: ['dynamodb:GetItem'],
    });
  });

  it('lets only the three notification functions use the notifications table, each reading and writing the table itself (it has no index)', () => {
    expect(grantsOn(NOTIFICATIONS_TABLE)).toEqual(Object.fromEntries(NOTIFICATIONS_FUNCTIONS.map((id) => [roleOf(id).logicalId, DYNAMODB_READ_WRITE])));
  });

  it('lets only the sender consume the customer-updates queue, and only the two provider webhooks send to it (a fallback to the other channel); EventBridge delivers through the queue policy', () => {
    expect(grantsOn(CUSTOMER_UPDATES_QUEUE)).toEqual({
      [roleOf('SendNotifications').logicalId]: QUEUE_CONSUME,
      [roleOf('ReceiveWhatsAppWebhook').logicalId]: QUEUE_SEND,
      [roleOf('ReceiveSendGridEvents').logicalId]: QUEUE_SEND,
    });
  });

  it('lets each notifications secret be read only by the functions that use it: the SendGrid API key by the sender alone, the Event Webhook key by the SendGrid webhook alone, the Meta app secret and verify token by the WhatsApp webhook alone, each brand\'s WhatsApp token by the sender and the WhatsApp webhook', () => {
    const secret = (id: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', `/Notifications/${id}/Resource`).path;
    const readersOf = (path: string) => Object.keys(grantsOn(path)).sort();
    const role = (id: string) => roleOf(id).logicalId;
    expect(readersOf(secret('SendGridApiKey'))).toEqual([role('SendNotifications')]);
    expect(readersOf(secret('SendGridWebhookPublicKey'))).toEqual([role('ReceiveSendGridEvents')]);
    expect(readersOf(secret('WhatsAppAppSecret'))).toEqual([role('ReceiveWhatsAppWebhook')]);
    expect(readersOf(secret('WhatsAppVerifyToken'))).toEqual([role('ReceiveWhatsAppWebhook')]);
    for (const token of brandSecrets('whatsapp')) expect(readersOf(token.path), token.path).toEqual([role('SendNotifications'), role('ReceiveWhatsAppWebhook')].sort());
    expect(brandSecrets('whatsapp').every((token) => token.stack === 'notifications')).toBe(true);
  });

  it('lets only the WhatsApp webhook call the API (execute-api:Invoke), only GET on the status route, through a policy of its own (ReadOrderStatusPolicy) holding nothing else', () => {
    const invokes = allows.filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('execute-api:')));
    expect(
      invokes.map(({ stack, path, roleIds, statement }) => ({ path, roleIds, actions: asList(statement.Action), resources: asList(statement.Resource).map((r) => describeArn(synth, stack, r)) })),
    ).toEqual([{ path: 'dev/Notifications/ReadOrderStatusPolicy/Resource', roleIds: [roleOf('ReceiveWhatsAppWebhook').logicalId], actions: ['execute-api:Invoke'], resources: [orderStatusRouteArn()] }]);
    const policy = resourceAt<{ PolicyDocument: PolicyDocument }>(synth, 'AWS::IAM::Policy', '/Notifications/ReadOrderStatusPolicy/Resource');
    expect(policy.properties.PolicyDocument.Statement).toHaveLength(1);
    // The route it reads is the IAM-authorized status route: the policy is what lets the function through.
    const status = resourcesOfType<{ RouteKey: string; AuthorizationType?: string }>(synth, 'AWS::ApiGatewayV2::Route').filter((route) => route.properties.RouteKey.startsWith('GET /orders/'));
    expect(status.map((route) => [route.properties.RouteKey, route.properties.AuthorizationType])).toEqual([['GET /orders/{brand}/{orderId}', 'AWS_IAM']]);
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
      tracking: stackOf('order-automation/dev/tracking/'),
      'tracking-link-key': stackOf('order-automation/dev/tracking-link-key'),
      whatsapp: stackOf('order-automation/dev/whatsapp/'),
      sendgrid: stackOf('order-automation/dev/sendgrid/'),
    }).toEqual({
      shopify: ['intake'],
      razorpay: ['intake'],
      'shopify-admin': ['inventory'],
      wms: ['inventory'],
      erp: ['fulfilment'],
      'wms-shipments': ['fulfilment'],
      tracking: ['fulfilment'],
      'tracking-link-key': ['orders'],
      whatsapp: ['notifications'],
      sendgrid: ['notifications'],
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

    it('the order-lifecycle workflow: only UpdateItem on the orders table, invoking ValidateOrder, OpenOpsTask, RequestAddressConfirmation, ReserveStock, ReleaseStock, SubmitToErp, CreateWmsShipments, CancelHandOff and AwaitShipment, and publishing as the orders source', () => {
      const workflow = resourceAt<{ RoleArn: unknown }>(synth, 'AWS::StepFunctions::StateMachine', '/OrderLifecycle/Resource');
      const validateOrder = 'dev/Orders/ValidateOrder/Function/Resource';
      const openOpsTask = 'dev/Orders/OpenOpsTask/Function/Resource';
      const requestAddressConfirmation = 'dev/Orders/RequestAddressConfirmation/Function/Resource';
      expect(grantsOf(referencedLogicalId(workflow.properties.RoleArn) as string)).toEqual({
        '*': [...RESOURCE_WILDCARD_ACTIONS].sort(),
        [ordersTable]: ['dynamodb:UpdateItem'],
        // Its own context's functions through grantInvoke, versions and aliases too.
        [validateOrder]: ['lambda:InvokeFunction'],
        [`${validateOrder}:*`]: ['lambda:InvokeFunction'],
        [openOpsTask]: ['lambda:InvokeFunction'],
        [`${openOpsTask}:*`]: ['lambda:InvokeFunction'],
        [requestAddressConfirmation]: ['lambda:InvokeFunction'],
        [`${requestAddressConfirmation}:*`]: ['lambda:InvokeFunction'],
        // The inventory and fulfilment steps exactly as the workflow invokes them, unqualified: no versions or aliases.
        'dev/Inventory/ReserveStock/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Inventory/ReleaseStock/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/SubmitToErp/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/CreateWmsShipments/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/CancelHandOff/Function/Resource': ['lambda:InvokeFunction'],
        'dev/Fulfilment/AwaitShipment/Function/Resource': ['lambda:InvokeFunction'],
        [bus(EVENT_SOURCES.orders)]: ['events:PutEvents'],
      });
    });

    it('RequestAddressConfirmation: only its logs and traces, parking the token on the order (UpdateItem on the orders table, nothing else of it), reading the tracking-link key and publishing as the orders source; no workflow', () => {
      expect(grantsOf(roleOf('RequestAddressConfirmation').logicalId)).toEqual({
        ...ownLogs('Orders/RequestAddressConfirmation'),
        ...xray,
        [ordersTable]: ['dynamodb:UpdateItem'],
        [trackingKey()]: SECRET_READ,
        [bus(EVENT_SOURCES.orders)]: ['events:PutEvents'],
      });
    });

    it('ShowAddressConfirmation: only its logs and traces, reading the order (GetItem on the orders table, nothing that writes) and the tracking-link key', () => {
      expect(grantsOf(roleOf('ShowAddressConfirmation').logicalId)).toEqual({
        ...ownLogs('Orders/ShowAddressConfirmation'),
        ...xray,
        [ordersTable]: ['dynamodb:GetItem'],
        [trackingKey()]: SECRET_READ,
      });
    });

    it('AnswerAddressConfirmation: only its logs and traces, reading and recording the answer on the order (GetItem, UpdateItem on the orders table), reading the tracking-link key and resuming the order-lifecycle workflow; no bus', () => {
      expect(grantsOf(roleOf('AnswerAddressConfirmation').logicalId)).toEqual({
        ...ownLogs('Orders/AnswerAddressConfirmation'),
        ...xray,
        [ordersTable]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        [trackingKey()]: SECRET_READ,
        'dev/Orders/OrderLifecycle/Resource': ['states:SendTaskSuccess'],
      });
    });

    it('OpenOpsTask: only its logs and traces and putting a task in the ops-tasks table, not its indexes; no bus, no secret, no workflow', () => {
      expect(grantsOf(roleOf('OpenOpsTask').logicalId)).toEqual({
        ...ownLogs('Orders/OpenOpsTask'),
        ...xray,
        'dev/Orders/OpsTasks/Table/Resource': ['dynamodb:PutItem'],
      });
    });

    it('OpsTasksApi: only its logs and traces, reading, listing (through the indexes) and closing ops tasks, and resuming the order-lifecycle workflow; no put, no delete, no bus, no secret', () => {
      const opsTasksTable = 'dev/Orders/OpsTasks/Table/Resource';
      expect(grantsOf(roleOf('OpsTasksApi').logicalId)).toEqual({
        ...ownLogs('Orders/OpsTasksApi'),
        ...xray,
        [opsTasksTable]: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        [`${opsTasksTable}/index/*`]: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        'dev/Orders/OrderLifecycle/Resource': ['states:SendTaskSuccess'],
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

    it('SubmitToErp: only its logs and traces and reading its own access token (ErpAccessToken); no bus, no table', () => {
      expect(grantsOf(roleOf('SubmitToErp').logicalId)).toEqual({
        ...ownLogs('Fulfilment/SubmitToErp'),
        ...xray,
        [resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/ErpAccessToken/Resource').path]: SECRET_READ,
      });
    });

    it('CreateWmsShipments: only its logs and traces, reading its own access token (WmsShipmentsAccessToken) and recording the shipments it created, write-only; no bus', () => {
      expect(grantsOf(roleOf('CreateWmsShipments').logicalId)).toEqual({
        ...ownLogs('Fulfilment/CreateWmsShipments'),
        ...xray,
        [resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/WmsShipmentsAccessToken/Resource').path]: SECRET_READ,
        // The table has no index, so there is no index grant.
        'dev/Fulfilment/Shipments/Table/Resource': DYNAMODB_WRITE,
      });
    });

    it('AwaitShipment: only its logs and traces, reading and updating a shipment by key (GetItem, UpdateItem) and resuming the order-lifecycle workflow; no bus, no secret', () => {
      expect(grantsOf(roleOf('AwaitShipment').logicalId)).toEqual({
        ...ownLogs('Fulfilment/AwaitShipment'),
        ...xray,
        // It only parks a token on the shipment it was given: no query, scan, put, delete, batch or stream read.
        'dev/Fulfilment/Shipments/Table/Resource': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        [orderLifecycleArn()]: ['states:SendTaskSuccess'],
      });
    });

    it('ReceiveTrackingWebhook: only its logs and traces, the shipments table, resuming the workflow, publishing as the fulfilment source, archiving under shipbob/ and aftership/ and reading the two tracking webhook secrets', () => {
      const secret = (id: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', `/Fulfilment/${id}/Resource`).path;
      expect(grantsOf(roleOf('ReceiveTrackingWebhook').logicalId)).toEqual({
        ...ownLogs('Fulfilment/ReceiveTrackingWebhook'),
        ...xray,
        'dev/Fulfilment/Shipments/Table/Resource': DYNAMODB_READ_WRITE,
        [orderLifecycleArn()]: ['states:SendTaskSuccess'],
        [bus(EVENT_SOURCES.fulfilment)]: ['events:PutEvents'],
        'dev/Intake/RawArchive/Resource/shipbob/*': ['s3:PutObject'],
        'dev/Intake/RawArchive/Resource/aftership/*': ['s3:PutObject'],
        [secret('ShipBobWebhookSecret')]: SECRET_READ,
        [secret('AfterShipWebhookSecret')]: SECRET_READ,
      });
    });

    it('CancelShipments: only its logs and traces, reading the WMS shipments token, the shipments table, resuming the order-lifecycle workflow, publishing as the fulfilment source and consuming the fulfilment cancellations buffer', () => {
      expect(grantsOf(roleOf('CancelShipments').logicalId)).toEqual({
        ...ownLogs('Fulfilment/CancelShipments'),
        ...xray,
        [resourceAt(synth, 'AWS::SecretsManager::Secret', '/Fulfilment/WmsShipmentsAccessToken/Resource').path]: SECRET_READ,
        // The table has no index, so there is no index grant.
        'dev/Fulfilment/Shipments/Table/Resource': DYNAMODB_READ_WRITE,
        [orderLifecycleArn()]: ['states:SendTaskSuccess'],
        [bus(EVENT_SOURCES.fulfilment)]: ['events:PutEvents'],
        'dev/Fulfilment/Cancellations/Buffer/Queue/Resource': ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
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

    describe('the notifications functions', () => {
      const secret = (id: string) => resourceAt(synth, 'AWS::SecretsManager::Secret', `/Notifications/${id}/Resource`).path;
      const whatsappTokens = () => Object.fromEntries(brandSecrets('whatsapp').map((token) => [token.path, SECRET_READ]));
      /** What every notifications function may do: its logs and traces, and the notifications table (it has no index, so no index grant). */
      const common = (id: string) => ({
        ...ownLogs(`Notifications/${id}`),
        ...xray,
        [NOTIFICATIONS_TABLE]: DYNAMODB_READ_WRITE,
      });

      it('SendNotifications: also reads an order by key (GetItem on the orders table, nothing else of it), the 14 WhatsApp tokens and the SendGrid API key, and consumes the customer-updates buffer; no bus, no archive, no API', () => {
        expect(brandSecrets('whatsapp')).toHaveLength(BRANDS.length);
        expect(grantsOf(roleOf('SendNotifications').logicalId)).toEqual({
          ...common('SendNotifications'),
          [ordersTable]: ['dynamodb:GetItem'],
          ...whatsappTokens(),
          [secret('SendGridApiKey')]: SECRET_READ,
          [CUSTOMER_UPDATES_QUEUE]: QUEUE_CONSUME,
        });
      });

      it('ReceiveWhatsAppWebhook: also reads the Meta app secret, the verify token and the 14 WhatsApp tokens, asks the sender for a fallback (SendMessage), archives under whatsapp/ and reads order status through GET /orders/*; no orders table, no SendGrid key', () => {
        expect(grantsOf(roleOf('ReceiveWhatsAppWebhook').logicalId)).toEqual({
          ...common('ReceiveWhatsAppWebhook'),
          [secret('WhatsAppAppSecret')]: SECRET_READ,
          [secret('WhatsAppVerifyToken')]: SECRET_READ,
          ...whatsappTokens(),
          [CUSTOMER_UPDATES_QUEUE]: QUEUE_SEND,
          'dev/Intake/RawArchive/Resource/whatsapp/*': ['s3:PutObject'],
          [orderStatusRouteArn()]: ['execute-api:Invoke'],
        });
      });

      it('ReceiveSendGridEvents: also reads the Event Webhook public key, asks the sender for a fallback (SendMessage) and archives under sendgrid/; no orders table, no WhatsApp token, no SendGrid API key, no API', () => {
        expect(grantsOf(roleOf('ReceiveSendGridEvents').logicalId)).toEqual({
          ...common('ReceiveSendGridEvents'),
          [secret('SendGridWebhookPublicKey')]: SECRET_READ,
          [CUSTOMER_UPDATES_QUEUE]: QUEUE_SEND,
          'dev/Intake/RawArchive/Resource/sendgrid/*': ['s3:PutObject'],
        });
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

      it('HoldStockUntilDispatch: also consumes the shipping-progress buffer', () => {
        expect(grantsOf(roleOf('HoldStockUntilDispatch').logicalId)).toEqual({
          ...common('HoldStockUntilDispatch'),
          'dev/Inventory/ShippingProgress/Buffer/Queue/Resource': QUEUE_CONSUME,
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
