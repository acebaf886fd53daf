import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { BrandConfig } from '../config/brands.ts';
import type { EnvironmentConfig } from '../config/environments.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface IntakeStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  readonly brands: readonly BrandConfig[];
  /** Must equal EVENT_SOURCES.intake in lambdas/shared/events.ts. */
  readonly eventSource: string;
}

/** Webhooks in: the HTTP API, the per-brand secrets and the function that verifies and publishes. */
export class IntakeStack extends Stack {
  public readonly api: apigw.HttpApi;
  public readonly receiveShopifyWebhook: ServiceFunction;

  constructor(scope: Construct, id: string, props: IntakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const secretPrefix = `order-automation/${config.name}/shopify/`;

    this.receiveShopifyWebhook = new ServiceFunction(this, 'ReceiveShopifyWebhook', {
      entry: 'lambdas/intake/receive-shopify-webhook.ts',
      serviceName: 'intake',
      description: 'Verifies Shopify order webhooks and publishes Order Received',
      logRetentionDays: config.logRetentionDays,
      // Shopify gives up after 5 s; failing fast leaves room for its retry instead of a hung socket.
      timeout: Duration.seconds(4),
      environment: { SHOPIFY_SECRET_PREFIX: secretPrefix, EVENT_BUS_NAME: props.bus.eventBusName },
    });
    grantPutEventsAsSource(this.receiveShopifyWebhook.role, props.bus, props.eventSource);

    for (const brand of props.brands) {
      const secret = new secretsmanager.Secret(this, `ShopifySecret-${brand.id}`, {
        secretName: `${secretPrefix}${brand.id}`,
        description: `Shopify app client secret that signs ${brand.name} webhooks; replace the generated value with the real one`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      secret.grantRead(this.receiveShopifyWebhook.role);
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Shopify issues the app client secret; it is rotated in the Shopify Partner dashboard, not by a rotation Lambda',
      });
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `order-automation-${config.name}`,
      description: 'Inbound webhooks from storefronts and payment gateways',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Absorb a festival-sale burst without letting a misbehaving sender exhaust account concurrency.
      throttle: { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.api.addRoutes({
      path: '/webhooks/shopify/{brand}',
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('ShopifyWebhook', this.receiveShopifyWebhook.function),
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Shopify cannot send IAM or JWT credentials; each request is authenticated by its HMAC signature in the function',
    });
  }
}
