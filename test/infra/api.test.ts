import { describe, expect, it } from 'vitest';
import { apiIdExportName } from '../../lib/stacks/intake-stack.ts';
import { describeArn, referencedLogicalId, referencedType, resolveReference, resourcesOfType, synthStage, type FoundResource, type StackName } from '../helpers/synth-stage.ts';

interface RouteProperties {
  readonly ApiId?: unknown;
  readonly RouteKey: string;
  readonly AuthorizationType?: string;
  readonly AuthorizerId?: unknown;
  readonly Target?: { readonly 'Fn::Join'?: [string, unknown[]] };
}
interface PermissionProperties {
  readonly Action?: string;
  readonly Principal?: string;
  readonly FunctionName?: unknown;
  readonly SourceArn?: { readonly 'Fn::Join'?: [string, unknown[]] };
}
interface IntegrationProperties {
  readonly ApiId?: unknown;
  readonly IntegrationType?: string;
  readonly PayloadFormatVersion?: string;
  readonly IntegrationUri?: unknown;
}

const synth = synthStage('dev');
const { intake } = synth;
const API = 'dev/Intake/Api/Resource';

/**
 * Every route the API serves: the stack that declares it (always the stack of the function behind
 * it, so the intake stack never depends on a context behind it), who handles it, and who may call it.
 */
const ROUTES = [
  { routeKey: 'POST /webhooks/shopify/{brand}', stack: 'intake', fn: 'dev/Intake/ReceiveShopifyWebhook/Function/Resource', auth: 'NONE', why: 'Shopify signs with HMAC, verified in the function' },
  { routeKey: 'POST /webhooks/razorpay/{brand}', stack: 'intake', fn: 'dev/Intake/ReceiveRazorpayWebhook/Function/Resource', auth: 'NONE', why: 'Razorpay signs with HMAC, verified in the function' },
  { routeKey: 'POST /webhooks/wms/{warehouseId}', stack: 'inventory', fn: 'dev/Inventory/ReceiveStockWebhook/Function/Resource', auth: 'NONE', why: 'the WMS signs with a timestamped HMAC, verified in the function' },
  {
    routeKey: 'POST /webhooks/tracking/{provider}',
    stack: 'fulfilment',
    fn: 'dev/Fulfilment/ReceiveTrackingWebhook/Function/Resource',
    auth: 'NONE',
    why: 'ShipBob and AfterShip sign with HMAC, verified in the function',
  },
  { routeKey: 'GET /orders/{brand}/{orderId}', stack: 'orders', fn: 'dev/Orders/GetOrderStatus/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials' },
  { routeKey: 'GET /track/{token}', stack: 'orders', fn: 'dev/Orders/TrackOrder/Function/Resource', auth: 'NONE', why: 'customers open a signed link' },
  {
    routeKey: 'GET /address-confirmations/{token}',
    stack: 'orders',
    fn: 'dev/Orders/ShowAddressConfirmation/Function/Resource',
    auth: 'NONE',
    why: 'customers open the signed, two-day link from the question',
  },
  {
    routeKey: 'POST /address-confirmations/{token}',
    stack: 'orders',
    fn: 'dev/Orders/AnswerAddressConfirmation/Function/Resource',
    auth: 'NONE',
    why: 'customers answer through a signed, two-day link',
  },
  { routeKey: 'GET /ops/tasks', stack: 'orders', fn: 'dev/Orders/OpsTasksApi/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials, like the status route' },
  { routeKey: 'GET /ops/tasks/{taskId}', stack: 'orders', fn: 'dev/Orders/OpsTasksApi/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials, like the status route' },
  { routeKey: 'POST /ops/tasks/{taskId}/resolve', stack: 'orders', fn: 'dev/Orders/OpsTasksApi/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials, like the status route' },
  {
    routeKey: 'GET /webhooks/whatsapp',
    stack: 'notifications',
    fn: 'dev/Notifications/ReceiveWhatsAppWebhook/Function/Resource',
    auth: 'NONE',
    why: 'Meta\'s subscription handshake carries the verify token, checked in the function',
  },
  {
    routeKey: 'POST /webhooks/whatsapp',
    stack: 'notifications',
    fn: 'dev/Notifications/ReceiveWhatsAppWebhook/Function/Resource',
    auth: 'NONE',
    why: 'Meta signs with HMAC (X-Hub-Signature-256), verified in the function',
  },
  {
    routeKey: 'POST /webhooks/sendgrid/events',
    stack: 'notifications',
    fn: 'dev/Notifications/ReceiveSendGridEvents/Function/Resource',
    auth: 'NONE',
    why: 'SendGrid signs with ECDSA (Signed Event Webhook), verified in the function',
  },
] as const satisfies readonly { routeKey: string; stack: StackName; fn: string; auth: string; why: string }[];

const routes = resourcesOfType<RouteProperties>(synth, 'AWS::ApiGatewayV2::Route');
const permissions = resourcesOfType<PermissionProperties>(synth, 'AWS::Lambda::Permission');

/** The integration a route's `integrations/<id>` target points at, in the route's own stack. */
function integrationOf(route: (typeof routes)[number]) {
  const [prefix, integration] = route.properties.Target?.['Fn::Join']?.[1] ?? [];
  expect(prefix).toBe('integrations/');
  expect(referencedType(route.template, integration)).toBe('AWS::ApiGatewayV2::Integration');
  return resolveReference(synth, route.stack, integration) as FoundResource<IntegrationProperties>;
}

describe('HTTP API', () => {
  it('serves exactly the shopify, razorpay, WMS and shipment-tracking webhook routes, the status route, the three ops-task routes, the customer tracking route, the customer\'s address-confirmation answer, and the WhatsApp (handshake and deliveries) and SendGrid webhook routes', () => {
    expect(routes.map((route) => route.properties.RouteKey).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
  });

  it('has one API, in the intake stack, and every route of every stack is on it', () => {
    expect(resourcesOfType(synth, 'AWS::ApiGatewayV2::Api').map((api) => api.path)).toEqual([API]);
    intake.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    for (const route of routes) expect(describeArn(synth, route.stack, route.properties.ApiId), route.properties.RouteKey).toBe(API);
  });

  it('declares each route in the stack of the function behind it: webhooks of intake in intake, the WMS webhook in inventory, the tracking webhook in fulfilment, the order, customer and ops-task routes in orders, the WhatsApp and SendGrid webhooks in notifications', () => {
    expect(Object.fromEntries(routes.map((route) => [route.properties.RouteKey, route.stack]))).toEqual(Object.fromEntries(ROUTES.map((route) => [route.routeKey, route.stack])));
  });

  it('sends the shipment-tracking webhooks to ReceiveTrackingWebhook, route and function both in the fulfilment stack (a route in intake would make intake depend on fulfilment)', () => {
    const tracking = routes.filter((route) => route.properties.RouteKey === 'POST /webhooks/tracking/{provider}');
    expect(tracking.map((route) => route.path)).toEqual(['dev/Fulfilment/TrackingWebhookRoute/Resource']);
    const [route] = tracking;
    const integration = integrationOf(route as (typeof routes)[number]);
    expect(integration.stack).toBe('fulfilment');
    const fn = resolveReference(synth, 'fulfilment', integration.properties.IntegrationUri);
    expect(fn?.path).toBe('dev/Fulfilment/ReceiveTrackingWebhook/Function/Resource');
    expect(fn?.stack).toBe('fulfilment');
    // Nothing else of the fulfilment context is reachable from the API.
    expect(routes.filter((candidate) => candidate.stack === 'fulfilment').map((candidate) => candidate.properties.RouteKey)).toEqual(['POST /webhooks/tracking/{provider}']);
  });

  describe.each(ROUTES)('$routeKey', ({ routeKey, stack, fn, auth, why }) => {
    const route = () => routes.find((candidate) => candidate.properties.RouteKey === routeKey) as (typeof routes)[number];

    it(`is proxied with payload 2.0 to ${fn.split('/')[2]}, integrated in the ${stack} stack`, () => {
      const integration = integrationOf(route());
      expect(integration.stack).toBe(stack);
      expect(integration.properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(describeArn(synth, stack, integration.properties.ApiId)).toBe(API);
      expect(describeArn(synth, stack, integration.properties.IntegrationUri)).toBe(fn);
      expect(resolveReference(synth, stack, integration.properties.IntegrationUri)?.stack, 'the function is in the same stack as its route').toBe(stack);
    });

    it(`authorizes with ${auth} (${why})`, () => {
      expect(route().properties.AuthorizationType).toBe(auth);
      expect(route().properties.AuthorizerId, 'no custom or JWT authorizer').toBeUndefined();
    });

    it('lets API Gateway invoke its function for this route\'s path only', () => {
      const path = routeKey.split(' ')[1] as string;
      const invokers = permissions.filter((permission) => describeArn(synth, permission.stack, permission.properties.FunctionName) === fn);
      // One permission per route of the function (OpsTasksApi serves three, ReceiveWhatsAppWebhook two), each for its own path.
      expect(invokers).toHaveLength(ROUTES.filter((candidate) => candidate.fn === fn).length);
      const forThisPath = invokers.filter((permission) => permission.properties.SourceArn?.['Fn::Join']?.[1]?.at(-1) === `/*/*${path}`);
      // A permission names the path, any method: the WhatsApp handshake (GET) and deliveries (POST) share one path, so each of their two permissions covers both.
      expect(forThisPath).toHaveLength(ROUTES.filter((candidate) => candidate.fn === fn && candidate.routeKey.split(' ')[1] === path).length);
      const permission = forThisPath.find((candidate) => candidate.path.startsWith(route().path.replace(/\/Resource$/, '/')));
      expect(permission, `the permission of ${route().path}`).toBeDefined();
      expect(permission?.stack).toBe(stack);
      expect(permission?.properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      const sourceArn = permission?.properties.SourceArn?.['Fn::Join']?.[1] ?? [];
      // The API's id: a Ref in the intake stack, an import of the intake stack's export elsewhere.
      expect(sourceArn.map((part) => resolveReference(synth, stack, part)?.path).filter((part) => part !== undefined)).toEqual([API]);
      expect(sourceArn.at(-1)).toBe(`/*/*${path}`);
    });
  });

  it('serves the ops tasks only to IAM-authorized callers, like the status route: each /ops/ route is AWS_IAM and goes to OpsTasksApi, which serves no other route', () => {
    const opsRoutes = routes.filter((route) => route.properties.RouteKey.split(' ')[1]?.startsWith('/ops/'));
    expect(opsRoutes.map((route) => route.properties.RouteKey).sort()).toEqual(['GET /ops/tasks', 'GET /ops/tasks/{taskId}', 'POST /ops/tasks/{taskId}/resolve']);
    const status = routes.find((route) => route.properties.RouteKey === 'GET /orders/{brand}/{orderId}');
    expect(status?.properties.AuthorizationType).toBe('AWS_IAM');
    for (const route of opsRoutes) {
      expect(route.properties.AuthorizationType, route.properties.RouteKey).toBe(status?.properties.AuthorizationType);
      expect(route.properties.AuthorizerId, route.properties.RouteKey).toBeUndefined();
      expect(describeArn(synth, route.stack, integrationOf(route).properties.IntegrationUri), route.properties.RouteKey).toBe('dev/Orders/OpsTasksApi/Function/Resource');
    }
    const servedByOpsTasksApi = routes.filter((route) => describeArn(synth, route.stack, integrationOf(route).properties.IntegrationUri) === 'dev/Orders/OpsTasksApi/Function/Resource');
    expect(servedByOpsTasksApi.map((route) => route.properties.RouteKey).sort()).toEqual(opsRoutes.map((route) => route.properties.RouteKey).sort());
  });

  it('takes the customer\'s address-confirmation answer only as a POST, on AnswerAddressConfirmation, and shows the page behind the link on a read-only ShowAddressConfirmation; neither serves another route; without credentials, like the tracking link, the signed token being the capability', () => {
    const servedBy = (id: string) => routes.filter((route) => describeArn(synth, route.stack, integrationOf(route).properties.IntegrationUri) === `dev/Orders/${id}/Function/Resource`).map((route) => [route.path, route.properties.RouteKey]);
    expect(servedBy('AnswerAddressConfirmation')).toEqual([['dev/Orders/AddressConfirmationRoute/Resource', 'POST /address-confirmations/{token}']]);
    expect(servedBy('ShowAddressConfirmation')).toEqual([['dev/Orders/AddressConfirmationPageRoute/Resource', 'GET /address-confirmations/{token}']]);
    expect(routes.filter((route) => route.properties.RouteKey.split(' ')[1]?.startsWith('/address-confirmations/')).map((route) => route.properties.RouteKey).sort()).toEqual(['GET /address-confirmations/{token}', 'POST /address-confirmations/{token}']);
    // The only unauthenticated routes outside the signed webhooks are the ones the customer reaches with a signed token.
    const open = routes.filter((route) => route.properties.AuthorizationType === 'NONE' && !route.properties.RouteKey.includes(' /webhooks/'));
    expect(open.map((route) => route.properties.RouteKey).sort()).toEqual(['GET /address-confirmations/{token}', 'GET /track/{token}', 'POST /address-confirmations/{token}']);
  });

  it('takes the provider webhooks of the notifications context only on /webhooks/whatsapp (GET handshake, POST deliveries, both to ReceiveWhatsAppWebhook) and POST /webhooks/sendgrid/events (to ReceiveSendGridEvents); neither function serves another route, and the sender serves none', () => {
    const servedBy = (id: string) =>
      routes
        .filter((route) => describeArn(synth, route.stack, integrationOf(route).properties.IntegrationUri) === `dev/Notifications/${id}/Function/Resource`)
        .map((route) => [route.path, route.properties.RouteKey, route.properties.AuthorizationType]);
    expect(servedBy('ReceiveWhatsAppWebhook')).toEqual([
      ['dev/Notifications/WhatsAppVerificationRoute/Resource', 'GET /webhooks/whatsapp', 'NONE'],
      ['dev/Notifications/WhatsAppWebhookRoute/Resource', 'POST /webhooks/whatsapp', 'NONE'],
    ]);
    expect(servedBy('ReceiveSendGridEvents')).toEqual([['dev/Notifications/SendGridEventsRoute/Resource', 'POST /webhooks/sendgrid/events', 'NONE']]);
    expect(servedBy('SendNotifications')).toEqual([]);
    expect(routes.filter((route) => route.stack === 'notifications').map((route) => route.properties.RouteKey).sort()).toEqual(['GET /webhooks/whatsapp', 'POST /webhooks/sendgrid/events', 'POST /webhooks/whatsapp']);
    // Each route integrates on its own; no route of the stage has an authorizer.
    expect(new Set(routes.filter((route) => route.stack === 'notifications').map((route) => integrationOf(route).path)).size).toBe(3);
    expect(resourcesOfType(synth, 'AWS::ApiGatewayV2::Authorizer')).toEqual([]);
  });

  it('exports the API\'s id by a fixed name (order-automation-dev-api-id), so the WISMO answer\'s grant on the status route reads the same in its policy and its cdk-nag acknowledgement', () => {
    const exported = Object.values((intake.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name?: unknown } }>).filter((output) => output.Export?.Name === apiIdExportName('dev'));
    expect(exported.map((output) => resolveReference(synth, 'intake', output.Value)?.path)).toEqual([API]);
    expect(apiIdExportName('dev')).toBe('order-automation-dev-api-id');
  });

  it('lets API Gateway invoke no function but those behind a route, once per route', () => {
    expect(permissions.map((permission) => describeArn(synth, permission.stack, permission.properties.FunctionName)).sort()).toEqual(ROUTES.map((route) => route.fn).sort());
  });

  it('logs every request of the stage to a log group kept for the environment retention', () => {
    intake.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const [stage] = resourcesOfType<{ AccessLogSettings?: { DestinationArn?: unknown; Format?: string } }>(synth, 'AWS::ApiGatewayV2::Stage');
    const destination = stage?.properties.AccessLogSettings?.DestinationArn;
    expect(referencedType(intake, destination)).toBe('AWS::Logs::LogGroup');
    expect(intake.toJSON().Resources[referencedLogicalId(destination) as string].Properties.RetentionInDays).toBe(synth.config.logRetentionDays);
    const format = JSON.parse(stage?.properties.AccessLogSettings?.Format ?? '{}') as Record<string, string>;
    expect(Object.values(format)).toEqual(expect.arrayContaining(['$context.requestId', '$context.status', '$context.integrationErrorMessage']));
  });

  it('throttles the stage so a burst cannot exhaust account concurrency', () => {
    const [stage] = resourcesOfType<{ DefaultRouteSettings?: { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number } }>(synth, 'AWS::ApiGatewayV2::Stage');
    const settings = stage?.properties.DefaultRouteSettings;
    expect(settings?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings?.ThrottlingBurstLimit).toBeGreaterThanOrEqual(settings?.ThrottlingRateLimit ?? Infinity);
  });
});
