import { describe, expect, it } from 'vitest';
import { describeArn, referencedLogicalId, referencedType, resolveReference, resourceAt, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface RouteProperties {
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

const synth = synthStage('dev');
const { intake } = synth;

/** Every route the API serves: who handles it, and who may call it. */
const ROUTES = [
  { routeKey: 'POST /webhooks/shopify/{brand}', fn: 'dev/Intake/ReceiveShopifyWebhook/Function/Resource', auth: 'NONE', why: 'Shopify signs with HMAC, verified in the function' },
  { routeKey: 'POST /webhooks/razorpay/{brand}', fn: 'dev/Intake/ReceiveRazorpayWebhook/Function/Resource', auth: 'NONE', why: 'Razorpay signs with HMAC, verified in the function' },
  { routeKey: 'GET /orders/{brand}/{orderId}', fn: 'dev/Orders/GetOrderStatus/Function/Resource', auth: 'AWS_IAM', why: 'ops call it with SigV4 credentials' },
  { routeKey: 'GET /track/{token}', fn: 'dev/Orders/TrackOrder/Function/Resource', auth: 'NONE', why: 'customers open a signed link' },
] as const;

const routes = resourcesOfType<RouteProperties>(synth, 'AWS::ApiGatewayV2::Route');
const permissions = resourcesOfType<PermissionProperties>(synth, 'AWS::Lambda::Permission');

/** The integration a route's `integrations/<id>` target points at. */
function integrationOf(route: RouteProperties) {
  const [prefix, integration] = route.Target?.['Fn::Join']?.[1] ?? [];
  expect(prefix).toBe('integrations/');
  expect(referencedType(intake, integration)).toBe('AWS::ApiGatewayV2::Integration');
  return intake.toJSON().Resources[referencedLogicalId(integration) as string].Properties as { IntegrationType: string; PayloadFormatVersion: string; IntegrationUri: unknown };
}

describe('HTTP API', () => {
  it('serves exactly the two webhook routes, the status route and the tracking route, all on the one API', () => {
    expect(routes.map((route) => route.properties.RouteKey).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
    intake.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(routes.every((route) => route.stack === 'intake')).toBe(true);
  });

  describe.each(ROUTES)('$routeKey', ({ routeKey, fn, auth, why }) => {
    const route = () => routes.find((candidate) => candidate.properties.RouteKey === routeKey) as (typeof routes)[number];

    it(`is proxied with payload 2.0 to ${fn.split('/')[2]}`, () => {
      const integration = integrationOf(route().properties);
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      // Order routes live on the intake API but integrate functions of the orders stack, through its exports.
      expect(describeArn(synth, 'intake', integration.IntegrationUri)).toBe(fn);
      expect(resolveReference(synth, 'intake', integration.IntegrationUri)?.stack).toBe(fn.startsWith('dev/Orders/') ? 'orders' : 'intake');
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
      expect(permission?.properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      const sourceArn = permission?.properties.SourceArn?.['Fn::Join']?.[1] ?? [];
      expect(sourceArn).toContainEqual({ Ref: resourceAt(synth, 'AWS::ApiGatewayV2::Api', '/Intake/Api/Resource').logicalId });
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
