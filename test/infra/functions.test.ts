import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lib/constructs/service-function.ts';
import { brandSecretPrefix } from '../../lib/config/brands.ts';
import { SENDGRID_API_URL, WHATSAPP_GRAPH_URL } from '../../lib/stacks/notifications-stack.ts';
import { assemblyOutdir, describeArn, referencedLogicalId, referencedType, resourceAt, synthStage, type StackName } from '../helpers/synth-stage.ts';

interface FunctionProperties {
  readonly Runtime?: string;
  readonly Architectures?: string[];
  readonly TracingConfig?: { readonly Mode?: string };
  readonly Environment?: { readonly Variables?: Record<string, unknown> };
  readonly LoggingConfig?: { readonly LogGroup?: unknown; readonly LogFormat?: string };
  readonly DeadLetterConfig?: { readonly TargetArn?: unknown };
}

type Resources = Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;

/**
 * The Lambda functions of one template that something invokes asynchronously (the caller does not
 * wait, so a failure is only seen if it lands somewhere): EventBridge rule targets and EventBridge
 * Scheduler targets that resolve to a function (both invoke Lambda asynchronously), and functions
 * with an `AWS::Lambda::EventInvokeConfig`.
 */
function asyncInvokedFunctions(template: Template): Set<string> {
  const resources = template.toJSON().Resources as Resources;
  const invoked = new Set<string>();
  const addIfFunction = (what: string, arn: unknown) => {
    const id = referencedLogicalId(arn);
    const type = id ? resources[id]?.Type : undefined;
    if (type === 'AWS::Lambda::Function') invoked.add(id as string);
    else if (type === undefined) {
      // A target this check cannot resolve (imported ARN, literal string) might be a function.
      throw new Error(`cannot tell whether ${what} (${JSON.stringify(arn)}) is a Lambda function; extend asyncInvokedFunctions`);
    }
  };
  for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
    for (const target of (rule.Properties?.Targets ?? []) as { Id: string; Arn: unknown }[]) addIfFunction(`rule target ${target.Id}`, target.Arn);
  }
  for (const [id, schedule] of Object.entries(template.findResources('AWS::Scheduler::Schedule'))) {
    addIfFunction(`the target of schedule ${id}`, (schedule.Properties?.Target as { Arn?: unknown } | undefined)?.Arn);
  }
  for (const config of Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'))) {
    const id = referencedLogicalId(config.Properties?.FunctionName);
    if (!id) throw new Error(`cannot resolve EventInvokeConfig FunctionName ${JSON.stringify(config.Properties?.FunctionName)}`);
    invoked.add(id);
  }
  return invoked;
}

/** Whether a failed asynchronous invocation of `functionId` ends up in a DLQ or an on-failure destination. */
function keepsFailedInvocations(template: Template, functionId: string): boolean {
  const resources = template.toJSON().Resources as Resources;
  const fn = resources[functionId]?.Properties as FunctionProperties | undefined;
  if (fn?.DeadLetterConfig?.TargetArn !== undefined) return true;
  return Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).some(
    (config) =>
      referencedLogicalId(config.Properties?.FunctionName) === functionId &&
      (config.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination !== undefined,
  );
}

const synth = synthStage('dev');

/** That `variable` holds the name of the secret at `pathSuffix`, named `name`: the `Ref` CloudFormation cuts the name out of at deploy time. */
function namesSecret(variable: unknown, pathSuffix: string, name: string) {
  const secret = resourceAt(synth, 'AWS::SecretsManager::Secret', pathSuffix);
  expect(secret.properties.Name).toBe(name);
  expect(JSON.stringify(variable)).toContain(JSON.stringify({ Ref: secret.logicalId }));
}
/** The value behind a `{ Fn::ImportValue }` of another stack's export, as that stack's template writes it. */
function resolveExport(value: unknown): unknown {
  const name = (value as { 'Fn::ImportValue'?: unknown } | undefined)?.['Fn::ImportValue'];
  expect(typeof name, `${JSON.stringify(value)} is an import`).toBe('string');
  const outputs = synth.stacks.flatMap(({ template }) => Object.values((template.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name?: unknown } }>));
  const matches = outputs.filter((output) => output.Export?.Name === name);
  expect(matches, `exports named ${String(name)}`).toHaveLength(1);
  return matches[0]?.Value;
}
const functions = synth.stacks.flatMap(({ name, template }) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).map(([logicalId, resource]) => ({
    stack: name,
    template,
    logicalId,
    path: resource.Metadata?.['aws:cdk:path'] as string,
    properties: resource.Properties as FunctionProperties,
  })),
);

describe('Lambda functions', () => {
  it('finds the thirty functions of the stage: 2 intake, 7 fulfilment, 9 inventory, 9 orders, 3 notifications', () => {
    expect(functions.map((f) => f.path).sort()).toEqual([
      'dev/Fulfilment/AwaitShipment/Function/Resource',
      'dev/Fulfilment/CancelHandOff/Function/Resource',
      'dev/Fulfilment/CancelShipments/Function/Resource',
      'dev/Fulfilment/CreateWmsShipments/Function/Resource',
      'dev/Fulfilment/ReceiveTrackingWebhook/Function/Resource',
      'dev/Fulfilment/RecordDeliveryOutcome/Function/Resource',
      'dev/Fulfilment/SubmitToErp/Function/Resource',
      'dev/Intake/ReceiveRazorpayWebhook/Function/Resource',
      'dev/Intake/ReceiveShopifyWebhook/Function/Resource',
      'dev/Inventory/HoldStockUntilDispatch/Function/Resource',
      'dev/Inventory/PollWarehouseStock/Function/Resource',
      'dev/Inventory/PushStorefrontStock/Function/Resource',
      'dev/Inventory/ReceiveStockWebhook/Function/Resource',
      'dev/Inventory/ReconcileInventory/Function/Resource',
      'dev/Inventory/ReleaseCancelledOrders/Function/Resource',
      'dev/Inventory/ReleaseExpiredReservations/Function/Resource',
      'dev/Inventory/ReleaseStock/Function/Resource',
      'dev/Inventory/ReserveStock/Function/Resource',
      'dev/Notifications/ReceiveSendGridEvents/Function/Resource',
      'dev/Notifications/ReceiveWhatsAppWebhook/Function/Resource',
      'dev/Notifications/SendNotifications/Function/Resource',
      'dev/Orders/AnswerAddressConfirmation/Function/Resource',
      'dev/Orders/ApplyOrderEvent/Function/Resource',
      'dev/Orders/GetOrderStatus/Function/Resource',
      'dev/Orders/OpenOpsTask/Function/Resource',
      'dev/Orders/OpsTasksApi/Function/Resource',
      'dev/Orders/RequestAddressConfirmation/Function/Resource',
      'dev/Orders/ShowAddressConfirmation/Function/Resource',
      'dev/Orders/TrackOrder/Function/Resource',
      'dev/Orders/ValidateOrder/Function/Resource',
    ]);
    expect(functions).toHaveLength(30);
    expect(Object.fromEntries(synth.stacks.map(({ name }) => [name, functions.filter((f) => f.stack === name).length]))).toEqual({
      platform: 0,
      intake: 2,
      fulfilment: 7,
      inventory: 9,
      orders: 9,
      notifications: 3,
    });
  });

  describe.each([
    ['shopify', 'ReceiveShopifyWebhook'],
    ['razorpay', 'ReceiveRazorpayWebhook'],
  ] as const)('the %s webhook function (%s)', (source, id) => {
    const webhook = () => resourceAt<FunctionProperties & { Timeout?: number }>(synth, 'AWS::Lambda::Function', `/Intake/${id}/Function/Resource`);

    it('answers inside the senders\' 5 s limit', () => {
      expect(webhook().properties.Timeout).toBe(4);
    });

    it(`is wired to its own source: the ${source} secret prefix, the raw archive, the idempotency table and the bus`, () => {
      const { stack, properties } = webhook();
      const variables = properties.Environment?.Variables ?? {};
      expect(variables).toMatchObject({ ENVIRONMENT_NAME: 'dev', BRAND_SECRET_PREFIX: brandSecretPrefix('dev', source) });
      expect(describeArn(synth, stack, variables.RAW_ARCHIVE_BUCKET)).toBe('dev/Intake/RawArchive/Resource');
      expect(describeArn(synth, stack, variables.IDEMPOTENCY_TABLE_NAME)).toBe('dev/Intake/Idempotency/Table/Resource');
      expect(describeArn(synth, stack, variables.EVENT_BUS_NAME)).toBe('dev/Platform/Bus/Resource');
    });
  });

  it('ApplyOrderEvent is wired to the orders and config tables, the workflow and the legacy hand-off queue', () => {
    const { stack, properties } = resourceAt<FunctionProperties>(synth, 'AWS::Lambda::Function', '/Orders/ApplyOrderEvent/Function/Resource');
    const variables = properties.Environment?.Variables ?? {};
    expect(
      Object.fromEntries(
        ['ORDERS_TABLE_NAME', 'CONFIG_TABLE_NAME', 'ORDER_LIFECYCLE_STATE_MACHINE_ARN', 'LEGACY_HANDOFF_QUEUE_URL'].map((name) => [name, describeArn(synth, stack, variables[name])]),
      ),
    ).toEqual({
      ORDERS_TABLE_NAME: 'dev/Orders/Orders/Table/Resource',
      CONFIG_TABLE_NAME: 'dev/Platform/Config/Table/Resource',
      ORDER_LIFECYCLE_STATE_MACHINE_ARN: 'dev/Orders/OrderLifecycle/Resource',
      LEGACY_HANDOFF_QUEUE_URL: 'dev/Orders/LegacyHandoff/Queue/Resource',
    });
  });

  it.each(['GetOrderStatus', 'TrackOrder'])('%s is wired to the orders table and the tracking-link key', (id) => {
    const { stack, properties } = resourceAt<FunctionProperties>(synth, 'AWS::Lambda::Function', `/Orders/${id}/Function/Resource`);
    const variables = properties.Environment?.Variables ?? {};
    expect(describeArn(synth, stack, variables.ORDERS_TABLE_NAME)).toBe('dev/Orders/Orders/Table/Resource');
    // The secret's name, which CloudFormation cuts out of the secret's ARN at deploy time.
    const trackingKey = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Orders/TrackingLinkKey/Resource');
    expect(trackingKey.properties.Name).toBe('order-automation/dev/tracking-link-key');
    expect(JSON.stringify(variables.TRACKING_LINK_KEY_SECRET)).toContain(JSON.stringify({ Ref: trackingKey.logicalId }));
  });

  describe('the address-confirmation functions', () => {
    const ordersFunction = (id: string) => resourceAt<FunctionProperties & { Timeout?: number }>(synth, 'AWS::Lambda::Function', `/Orders/${id}/Function/Resource`);
    /** That `variable` names the tracking-link key: its name, or the `Ref` CloudFormation cuts the name out of at deploy time. */
    const namesTrackingKey = (variable: unknown) => {
      const trackingKey = resourceAt(synth, 'AWS::SecretsManager::Secret', '/Orders/TrackingLinkKey/Resource');
      expect(trackingKey.properties.Name).toBe('order-automation/dev/tracking-link-key');
      if (typeof variable === 'string') expect(variable).toBe(trackingKey.properties.Name);
      else expect(JSON.stringify(variable)).toContain(JSON.stringify({ Ref: trackingKey.logicalId }));
    };

    it('RequestAddressConfirmation parks the token on the order in the orders table, signs the reply link with the tracking-link key and publishes on the bus, and knows nothing else', () => {
      const { stack, properties } = ordersFunction('RequestAddressConfirmation');
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual(['EVENT_BUS_NAME', 'NODE_OPTIONS', 'ORDERS_TABLE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TRACKING_LINK_KEY_SECRET']);
      expect(describeArn(synth, stack, variables.ORDERS_TABLE_NAME)).toBe('dev/Orders/Orders/Table/Resource');
      expect(describeArn(synth, stack, variables.EVENT_BUS_NAME)).toBe('dev/Platform/Bus/Resource');
      namesTrackingKey(variables.TRACKING_LINK_KEY_SECRET);
    });

    // The page only reads the order, the answer also records on it; the task token resumes the execution without its ARN.
    it.each(['ShowAddressConfirmation', 'AnswerAddressConfirmation'])('%s verifies the reply link with the tracking-link key and finds the order in the orders table, and knows nothing else', (id) => {
      const { stack, properties } = ordersFunction(id);
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual(['NODE_OPTIONS', 'ORDERS_TABLE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TRACKING_LINK_KEY_SECRET']);
      expect(describeArn(synth, stack, variables.ORDERS_TABLE_NAME)).toBe('dev/Orders/Orders/Table/Resource');
      namesTrackingKey(variables.TRACKING_LINK_KEY_SECRET);
    });
  });

  it.each(['OpenOpsTask', 'OpsTasksApi'])('%s is wired to the ops-tasks table, and knows nothing else (a task token resumes the execution without its ARN)', (id) => {
    const { stack, properties } = resourceAt<FunctionProperties>(synth, 'AWS::Lambda::Function', `/Orders/${id}/Function/Resource`);
    const variables = properties.Environment?.Variables ?? {};
    expect(Object.keys(variables).sort()).toEqual(['NODE_OPTIONS', 'OPS_TASKS_TABLE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    expect(describeArn(synth, stack, variables.OPS_TASKS_TABLE_NAME)).toBe('dev/Orders/OpsTasks/Table/Resource');
  });

  describe('the fulfilment functions', () => {
    const fulfilmentFunction = (id: string) => resourceAt<FunctionProperties & { Timeout?: number }>(synth, 'AWS::Lambda::Function', `/Fulfilment/${id}/Function/Resource`);
    /** The variables a ServiceFunction sets on every function: Powertools and source maps. */
    const COMMON_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

    it('SubmitToErp calls the environment\'s ERP for its company with the ERP access token, and nothing else', () => {
      const variables = fulfilmentFunction('SubmitToErp').properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, 'ERP_ACCESS_TOKEN_SECRET_NAME', 'ERP_BASE_URL', 'ERP_COMPANY_ID'].sort());
      expect(variables).toMatchObject({ ERP_BASE_URL: synth.config.erp.baseUrl, ERP_COMPANY_ID: synth.config.erp.companyId });
      namesSecret(variables.ERP_ACCESS_TOKEN_SECRET_NAME, '/Fulfilment/ErpAccessToken/Resource', 'order-automation/dev/erp/access-token');
    });

    it('CreateWmsShipments calls the environment\'s WMS order API for its channel with the WMS shipments token, records the shipments for tracking, and nothing else', () => {
      const { stack, properties } = fulfilmentFunction('CreateWmsShipments');
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, 'WMS_SHIPMENTS_BASE_URL', 'WMS_SHIPMENTS_CHANNEL_ID', 'WMS_SHIPMENTS_TOKEN_SECRET_NAME', 'SHIPMENTS_TABLE_NAME'].sort());
      expect(variables).toMatchObject({ WMS_SHIPMENTS_BASE_URL: synth.config.wmsShipments.baseUrl, WMS_SHIPMENTS_CHANNEL_ID: synth.config.wmsShipments.channelId });
      namesSecret(variables.WMS_SHIPMENTS_TOKEN_SECRET_NAME, '/Fulfilment/WmsShipmentsAccessToken/Resource', 'order-automation/dev/wms-shipments/access-token');
      expect(describeArn(synth, stack, variables.SHIPMENTS_TABLE_NAME)).toBe('dev/Fulfilment/Shipments/Table/Resource');
    });

    it('AwaitShipment parks task tokens in the shipments table, and knows nothing else', () => {
      const { stack, properties } = fulfilmentFunction('AwaitShipment');
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, 'SHIPMENTS_TABLE_NAME'].sort());
      expect(describeArn(synth, stack, variables.SHIPMENTS_TABLE_NAME)).toBe('dev/Fulfilment/Shipments/Table/Resource');
    });

    it('ReceiveTrackingWebhook archives into the raw archive, verifies with the ShipBob and AfterShip webhook secrets, moves shipments on in the shipments table and publishes on the bus', () => {
      const { stack, properties } = fulfilmentFunction('ReceiveTrackingWebhook');
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual(
        [...COMMON_VARIABLES, 'SHIPMENTS_TABLE_NAME', 'EVENT_BUS_NAME', 'RAW_ARCHIVE_BUCKET', 'SHIPBOB_WEBHOOK_SECRET_NAME', 'AFTERSHIP_WEBHOOK_SECRET_NAME'].sort(),
      );
      expect(describeArn(synth, stack, variables.SHIPMENTS_TABLE_NAME)).toBe('dev/Fulfilment/Shipments/Table/Resource');
      expect(describeArn(synth, stack, variables.EVENT_BUS_NAME)).toBe('dev/Platform/Bus/Resource');
      expect(describeArn(synth, stack, variables.RAW_ARCHIVE_BUCKET)).toBe('dev/Intake/RawArchive/Resource');
      namesSecret(variables.SHIPBOB_WEBHOOK_SECRET_NAME, '/Fulfilment/ShipBobWebhookSecret/Resource', 'order-automation/dev/tracking/shipbob-webhook-secret');
      namesSecret(variables.AFTERSHIP_WEBHOOK_SECRET_NAME, '/Fulfilment/AfterShipWebhookSecret/Resource', 'order-automation/dev/tracking/aftership-webhook-secret');
    });

    it('CancelShipments cancels at the environment\'s WMS order API for its channel with the WMS shipments token, moves shipments on in the shipments table and publishes on the bus, and knows nothing else', () => {
      const { stack, properties } = fulfilmentFunction('CancelShipments');
      const variables = properties.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual(
        [...COMMON_VARIABLES, 'WMS_SHIPMENTS_BASE_URL', 'WMS_SHIPMENTS_CHANNEL_ID', 'WMS_SHIPMENTS_TOKEN_SECRET_NAME', 'SHIPMENTS_TABLE_NAME', 'EVENT_BUS_NAME'].sort(),
      );
      expect(variables).toMatchObject({ WMS_SHIPMENTS_BASE_URL: synth.config.wmsShipments.baseUrl, WMS_SHIPMENTS_CHANNEL_ID: synth.config.wmsShipments.channelId });
      namesSecret(variables.WMS_SHIPMENTS_TOKEN_SECRET_NAME, '/Fulfilment/WmsShipmentsAccessToken/Resource', 'order-automation/dev/wms-shipments/access-token');
      expect(describeArn(synth, stack, variables.SHIPMENTS_TABLE_NAME)).toBe('dev/Fulfilment/Shipments/Table/Resource');
      expect(describeArn(synth, stack, variables.EVENT_BUS_NAME)).toBe('dev/Platform/Bus/Resource');
    });

    it('ReceiveTrackingWebhook answers within 10 s, like the WMS webhook; AwaitShipment only parks a token, in the default 10 s', () => {
      expect(Object.fromEntries(['ReceiveTrackingWebhook', 'AwaitShipment'].map((id) => [id, fulfilmentFunction(id).properties.Timeout]))).toEqual({ ReceiveTrackingWebhook: 10, AwaitShipment: 10 });
    });

    it('each has 30 s for the ERP or the WMS to answer (the workflow\'s Retry, or for CancelShipments the queue\'s redelivery, covers longer outages)', () => {
      expect(Object.fromEntries(['SubmitToErp', 'CreateWmsShipments', 'CancelHandOff', 'CancelShipments'].map((id) => [id, fulfilmentFunction(id).properties.Timeout]))).toEqual({
        SubmitToErp: 30,
        CreateWmsShipments: 30,
        CancelHandOff: 30,
        CancelShipments: 30,
      });
    });
  });

  describe('the inventory functions', () => {
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
    const inventoryFunction = (id: string) => resourceAt<FunctionProperties & { Timeout?: number }>(synth, 'AWS::Lambda::Function', `/Inventory/${id}/Function/Resource`);
    const variablesOf = (id: string) => inventoryFunction(id).properties.Environment?.Variables ?? {};

    it.each(INVENTORY_FUNCTIONS)('%s is wired to the inventory table and the bus', (id) => {
      const variables = variablesOf(id);
      expect(describeArn(synth, 'inventory', variables.INVENTORY_TABLE_NAME)).toBe('dev/Inventory/Inventory/Table/Resource');
      expect(describeArn(synth, 'inventory', variables.EVENT_BUS_NAME)).toBe('dev/Platform/Bus/Resource');
    });

    it('ReserveStock holds stock for the environment\'s reservation hold, and has 20 s to choose a warehouse', () => {
      expect(variablesOf('ReserveStock').RESERVATION_HOLD_MINUTES).toBe(String(synth.config.reservationHoldMinutes));
      expect(inventoryFunction('ReserveStock').properties.Timeout).toBe(20);
    });

    it('ReceiveStockWebhook archives into the raw archive and verifies with the WMS webhook secret', () => {
      const variables = variablesOf('ReceiveStockWebhook');
      expect(describeArn(synth, 'inventory', variables.RAW_ARCHIVE_BUCKET)).toBe('dev/Intake/RawArchive/Resource');
      namesSecret(variables.WMS_WEBHOOK_SECRET_NAME, '/Inventory/WmsWebhookSecret/Resource', 'order-automation/dev/wms/webhook-secret');
    });

    it.each(['PollWarehouseStock', 'ReconcileInventory'])('%s calls the environment\'s WMS with the WMS API token', (id) => {
      const variables = variablesOf(id);
      expect(variables.WMS_BASE_URL).toBe(synth.config.wmsBaseUrl);
      namesSecret(variables.WMS_API_TOKEN_SECRET_NAME, '/Inventory/WmsApiToken/Resource', 'order-automation/dev/wms/api-token');
    });

    it('PushStorefrontStock finds each brand\'s Shopify Admin token under the shopify-admin prefix', () => {
      expect(variablesOf('PushStorefrontStock')).toMatchObject({
        SHOPIFY_ADMIN_TOKEN_SECRET_PREFIX: brandSecretPrefix('dev', 'shopify-admin'),
        SHOPIFY_ADMIN_URL_TEMPLATE: expect.stringMatching(/^https:\/\/\{shop\}\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/),
      });
    });

    it('each scheduled job finishes inside its period: the poll in 50 s, the expiry sweep in 2 min, the reconciliation in 5 min', () => {
      expect(Object.fromEntries(['PollWarehouseStock', 'ReleaseExpiredReservations', 'ReconcileInventory'].map((id) => [id, inventoryFunction(id).properties.Timeout]))).toEqual({
        PollWarehouseStock: 50,
        ReleaseExpiredReservations: 120,
        ReconcileInventory: 300,
      });
    });
  });

  describe('the notifications functions', () => {
    const notificationsFunction = (id: string) => resourceAt<FunctionProperties & { Timeout?: number }>(synth, 'AWS::Lambda::Function', `/Notifications/${id}/Function/Resource`);
    const variablesOf = (id: string) => notificationsFunction(id).properties.Environment?.Variables ?? {};
    /** The variables a ServiceFunction sets on every function: Powertools and source maps. */
    const COMMON_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];
    /** What all three share: the notifications table, the customer-updates queue, WhatsApp (base URL and the brand tokens' prefix) and the public API. */
    const SHARED_VARIABLES = ['NOTIFICATIONS_TABLE_NAME', 'NOTIFICATIONS_QUEUE_URL', 'WHATSAPP_BASE_URL', 'WHATSAPP_TOKEN_SECRET_PREFIX', 'PUBLIC_API_URL'];
    const NOTIFICATIONS_FUNCTIONS = ['SendNotifications', 'ReceiveWhatsAppWebhook', 'ReceiveSendGridEvents'] as const;

    it.each(NOTIFICATIONS_FUNCTIONS)('%s is wired to the notifications table and the customer-updates queue', (id) => {
      const variables = variablesOf(id);
      expect(describeArn(synth, 'notifications', variables.NOTIFICATIONS_TABLE_NAME)).toBe('dev/Notifications/Notifications/Table/Resource');
      expect(describeArn(synth, 'notifications', variables.NOTIFICATIONS_QUEUE_URL)).toBe('dev/Notifications/CustomerUpdates/Buffer/Queue/Resource');
    });

    it.each(['SendNotifications', 'ReceiveWhatsAppWebhook'] as const)('%s is wired to the Graph API, the WhatsApp token prefix and the HTTP API\'s endpoint', (id) => {
      const variables = variablesOf(id);
      expect(variables).toMatchObject({ WHATSAPP_BASE_URL: WHATSAPP_GRAPH_URL, WHATSAPP_TOKEN_SECRET_PREFIX: brandSecretPrefix('dev', 'whatsapp') });
      expect(WHATSAPP_GRAPH_URL).toBe('https://graph.facebook.com');
      // The endpoint itself (an import of the intake stack's GetAtt Api.ApiEndpoint), not the API's id.
      const endpoint = resolveExport(variables.PUBLIC_API_URL);
      expect(endpoint).toEqual({ 'Fn::GetAtt': [resourceAt(synth, 'AWS::ApiGatewayV2::Api', '/Intake/Api/Resource').logicalId, 'ApiEndpoint'] });
    });

    it('SendNotifications reads the order from the orders table, paces WhatsApp to Meta\'s default 80 messages/s per number, and sends through SendGrid with the SendGrid API key; no raw archive, no webhook secret', () => {
      const variables = variablesOf('SendNotifications');
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, ...SHARED_VARIABLES, 'ORDERS_TABLE_NAME', 'SENDGRID_BASE_URL', 'SENDGRID_API_KEY_SECRET_NAME', 'WHATSAPP_MESSAGES_PER_SECOND'].sort());
      expect(variables.WHATSAPP_MESSAGES_PER_SECOND).toBe('80');
      expect(describeArn(synth, 'notifications', variables.ORDERS_TABLE_NAME)).toBe('dev/Orders/Orders/Table/Resource');
      expect(variables.SENDGRID_BASE_URL).toBe(SENDGRID_API_URL);
      expect(SENDGRID_API_URL).toBe('https://api.sendgrid.com');
      namesSecret(variables.SENDGRID_API_KEY_SECRET_NAME, '/Notifications/SendGridApiKey/Resource', 'order-automation/dev/sendgrid/api-key');
    });

    it('ReceiveWhatsAppWebhook archives into the raw archive and verifies with the Meta app secret (POST) and the verify token (GET handshake); no orders table, no SendGrid key', () => {
      const variables = variablesOf('ReceiveWhatsAppWebhook');
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, ...SHARED_VARIABLES, 'RAW_ARCHIVE_BUCKET', 'WHATSAPP_APP_SECRET_NAME', 'WHATSAPP_VERIFY_TOKEN_NAME'].sort());
      expect(describeArn(synth, 'notifications', variables.RAW_ARCHIVE_BUCKET)).toBe('dev/Intake/RawArchive/Resource');
      namesSecret(variables.WHATSAPP_APP_SECRET_NAME, '/Notifications/WhatsAppAppSecret/Resource', 'order-automation/dev/whatsapp/app-secret');
      namesSecret(variables.WHATSAPP_VERIFY_TOKEN_NAME, '/Notifications/WhatsAppVerifyToken/Resource', 'order-automation/dev/whatsapp/verify-token');
    });

    it('ReceiveSendGridEvents archives into the raw archive and verifies with the Event Webhook\'s public key; no orders table, no SendGrid API key', () => {
      const variables = variablesOf('ReceiveSendGridEvents');
      // Nothing of WhatsApp's: it never sends, it only records what SendGrid reports.
      expect(Object.keys(variables).sort()).toEqual([...COMMON_VARIABLES, 'NOTIFICATIONS_TABLE_NAME', 'NOTIFICATIONS_QUEUE_URL', 'RAW_ARCHIVE_BUCKET', 'SENDGRID_WEBHOOK_PUBLIC_KEY_NAME'].sort());
      expect(describeArn(synth, 'notifications', variables.RAW_ARCHIVE_BUCKET)).toBe('dev/Intake/RawArchive/Resource');
      namesSecret(variables.SENDGRID_WEBHOOK_PUBLIC_KEY_NAME, '/Notifications/SendGridWebhookPublicKey/Resource', 'order-automation/dev/sendgrid/event-webhook-public-key');
    });

    it('the webhook receivers answer within 15 s; the sender has 60 s for a batch of provider calls', () => {
      expect(Object.fromEntries(NOTIFICATIONS_FUNCTIONS.map((id) => [id, notificationsFunction(id).properties.Timeout]))).toEqual({
        SendNotifications: 60,
        ReceiveWhatsAppWebhook: 15,
        ReceiveSendGridEvents: 15,
      });
    });
  });

  describe.each(functions)('$path', ({ stack, template, properties }) => {
    it('logs as JSON to its own log group, kept for the environment retention', () => {
      expect(properties.LoggingConfig?.LogFormat).toBe('JSON');
      const logGroup = properties.LoggingConfig?.LogGroup;
      expect(referencedType(template, logGroup), 'LoggingConfig.LogGroup').toBe('AWS::Logs::LogGroup');
      const id = referencedLogicalId(logGroup) as string;
      const retention = (template.toJSON().Resources as Resources)[id]?.Properties?.RetentionInDays;
      expect(retention).toBe(synth.config.logRetentionDays);
    });

    it('runs Node.js 22 on arm64 with active X-Ray tracing', () => {
      expect(properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    });

    it('configures Powertools with its bounded context and the shared metrics namespace', () => {
      const serviceName: Record<StackName, string> = {
        platform: 'platform',
        intake: 'intake',
        fulfilment: 'fulfilment',
        inventory: 'inventory',
        orders: 'orders',
        notifications: 'notifications',
      };
      expect(properties.Environment?.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: serviceName[stack],
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      });
    });
  });

  describe('asynchronous invocations', () => {
    const invoked = synth.stacks.flatMap(({ name, template }) => [...asyncInvokedFunctions(template)].map((id) => ({ stack: name, template, id })));
    const pathOf = ({ template, id }: (typeof invoked)[number]) => (template.toJSON().Resources[id]?.Metadata?.['aws:cdk:path'] as string | undefined) ?? id;

    it('finds the functions invoked asynchronously: the three scheduled jobs, invoked by EventBridge Scheduler', () => {
      // API Gateway, Step Functions and the SQS event source mappings invoke the others synchronously.
      // When a rule, a schedule or an EventInvokeConfig starts invoking one, add it here: the test
      // below then requires its DLQ or on-failure destination.
      expect(invoked.map(pathOf).sort()).toEqual([
        'dev/Inventory/PollWarehouseStock/Function/Resource',
        'dev/Inventory/ReconcileInventory/Function/Resource',
        'dev/Inventory/ReleaseExpiredReservations/Function/Resource',
      ]);
    });

    it('never lose a failed invocation: every async-invoked function has a DLQ or an on-failure destination', () => {
      // A schedule's own dead-letter queue only receives runs Lambda refused to accept; once Lambda
      // has queued the run, a function error is retried by Lambda and then kept only here.
      const losing = invoked.filter(({ template, id }) => !keepsFailedInvocations(template, id)).map(pathOf);
      expect(losing, 'invoked asynchronously but keep no failed invocation').toEqual([]);
    });

    it('recognises a rule and a schedule that invoke a function, and its missing and present failure handling', () => {
      // Built-in CloudFormation validation and stack traces only slow this throwaway app down.
      const app = new App({ outdir: assemblyOutdir('async-targets'), builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-stack-trace': true } });
      const stack = new Stack(app, 'AsyncTargets');
      const code = lambda.Code.fromInline('exports.handler = async () => {}');
      const bare = new lambda.Function(stack, 'Bare', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
      const kept = new lambda.Function(stack, 'Kept', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, deadLetterQueueEnabled: true });
      const rule = new events.Rule(stack, 'Rule', { schedule: events.Schedule.rate(Duration.minutes(5)) });
      rule.addTarget(new targets.LambdaFunction(bare));
      rule.addTarget(new targets.LambdaFunction(kept));
      const scheduled = new lambda.Function(stack, 'Scheduled', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
      const destined = new lambda.Function(stack, 'Destined', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
      destined.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failures')) });
      for (const fn of [scheduled, destined]) {
        new scheduler.Schedule(stack, `${fn.node.id}Schedule`, {
          schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
          // A schedule's own dead-letter queue does not count: it only holds runs Lambda refused.
          target: new schedulerTargets.LambdaInvoke(fn, { deadLetterQueue: new sqs.Queue(stack, `${fn.node.id}MissedRuns`) }),
        });
      }
      const template = Template.fromStack(stack);
      const ids = (fn: lambda.Function) => stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);

      expect(asyncInvokedFunctions(template)).toEqual(new Set([ids(bare), ids(kept), ids(scheduled), ids(destined)]));
      expect(keepsFailedInvocations(template, ids(bare))).toBe(false);
      expect(keepsFailedInvocations(template, ids(kept))).toBe(true);
      expect(keepsFailedInvocations(template, ids(scheduled))).toBe(false);
      expect(keepsFailedInvocations(template, ids(destined))).toBe(true);
    });
  });
});
