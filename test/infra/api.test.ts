import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { referencedLogicalId, referencedType, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface RouteProperties {
  readonly RouteKey: string;
  readonly Target?: { readonly 'Fn::Join'?: [string, unknown[]] };
}

const synth = synthStage('dev');
const { intake } = synth;
const [webhookFunction] = resourcesOfType(synth, 'AWS::Lambda::Function').filter((fn) => fn.path.endsWith('/ReceiveShopifyWebhook/Function/Resource'));
const webhookFunctionId = webhookFunction?.logicalId as string;

describe('webhook API', () => {
  it('exposes POST /webhooks/shopify/{brand}, proxied with payload 2.0 to the intake function', () => {
    const routes = resourcesOfType<RouteProperties>(synth, 'AWS::ApiGatewayV2::Route').filter((r) => r.properties.RouteKey === 'POST /webhooks/shopify/{brand}');
    expect(routes).toHaveLength(1);
    // Target is `integrations/<integration id>`.
    const [prefix, integration] = routes[0]?.properties.Target?.['Fn::Join']?.[1] ?? [];
    expect(prefix).toBe('integrations/');
    expect(referencedType(intake, integration)).toBe('AWS::ApiGatewayV2::Integration');
    expect(intake.toJSON().Resources[referencedLogicalId(integration) as string].Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [webhookFunctionId, 'Arn'] },
    });
  });

  it('lets API Gateway invoke the intake function for that route only', () => {
    intake.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [webhookFunctionId, 'Arn'] },
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/\\*/webhooks/shopify/\\{brand\\}$')])] },
    });
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
    intake.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
    const [stage] = resourcesOfType<{ DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number } }>(synth, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage?.properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(stage?.properties.DefaultRouteSettings.ThrottlingRateLimit ?? Infinity);
  });
});
