import { describe, expect, it } from 'vitest';
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
  { routeKey: 'GET /orders/{brand}/{orderId}', stack: 'orders', fn: 'dev/Orders/GetOrderStatus/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials' },
  { routeKey: 'GET /track/{token}', stack: 'orders', fn: 'dev/Orders/TrackOrder/Function/Resource', auth: 'NONE', why: 'customers open a signed link' },
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
  it('serves exactly the shopify, razorpay and WMS webhook routes, the status route and the tracking route', () => {
    expect(routes.map((route) => route.properties.RouteKey).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
  });

  it('has one API, in the intake stack, and every route of every stack is on it', () => {
    expect(resourcesOfType(synth, 'AWS::ApiGatewayV2::Api').map((api) => api.path)).toEqual([API]);
    intake.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    for (const route of routes) expect(describeArn(synth, route.stack, route.properties.ApiId), route.properties.RouteKey).toBe(API);
  });

  it('declares each route in the stack of the function behind it: webhooks of intake in intake, the WMS webhook in inventory, the order routes in orders', () => {
    expect(Object.fromEntries(routes.map((route) => [route.properties.RouteKey, route.stack]))).toEqual(Object.fromEntries(ROUTES.map((route) => [route.routeKey, route.stack])));
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

    it('lets API Gateway invoke its function for this route only', () => {
      const path = routeKey.split(' ')[1] as string;
      const invokers = permissions.filter((permission) => describeArn(synth, permission.stack, permission.properties.FunctionName) === fn);
      expect(invokers).toHaveLength(1);
      const [permission] = invokers;
      expect(permission?.stack).toBe(stack);
      expect(permission?.properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      const sourceArn = permission?.properties.SourceArn?.['Fn::Join']?.[1] ?? [];
      // The API's id: a Ref in the intake stack, an import of the intake stack's export elsewhere.
      expect(sourceArn.map((part) => resolveReference(synth, stack, part)?.path).filter((part) => part !== undefined)).toEqual([API]);
      expect(sourceArn.at(-1)).toBe(`/*/*${path}`);
    });
  });

  it('lets API Gateway invoke no function but those behind a route', () => {
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
