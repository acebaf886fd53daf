import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as events from 'aws-cdk-lib/aws-events';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { brandSecretName, brandSecretPrefix, type BrandConfig, type WebhookSource } from '../config/brands.ts';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable } from '../constructs/data-table.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface IntakeStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  readonly brands: readonly BrandConfig[];
  /** Must equal EVENT_SOURCES.intake in lambdas/shared/events.ts. */
  readonly eventSource: string;
}

const WEBHOOKS: readonly { source: WebhookSource; id: string; entry: string; description: string; secretDescription: string }[] = [
  {
    source: 'shopify',
    id: 'ReceiveShopifyWebhook',
    entry: 'lambdas/intake/receive-shopify-webhook.ts',
    description: 'Archives, verifies and deduplicates Shopify order webhooks, then publishes them as order events',
    secretDescription: 'Shopify app client secret that signs the brand\'s webhooks',
  },
  {
    source: 'razorpay',
    id: 'ReceiveRazorpayWebhook',
    entry: 'lambdas/intake/receive-razorpay-webhook.ts',
    description: 'Archives, verifies and deduplicates Razorpay payment webhooks, then publishes Payment Captured/Failed',
    secretDescription: 'Razorpay webhook secret (not the API key secret) that signs the brand\'s payment webhooks',
  },
];

/**
 * Webhooks in. Intake only archives, verifies, deduplicates and publishes: everything slow
 * happens behind the bus, so storefronts and gateways get their answer well inside 5 s.
 */
export class IntakeStack extends Stack {
  public readonly api: apigw.HttpApi;
  public readonly rawArchive: s3.Bucket;
  public readonly webhookFunctions: Record<WebhookSource, ServiceFunction>;

  constructor(scope: Construct, id: string, props: IntakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.rawArchive = new s3.Bucket(this, 'RawArchive', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-raw-webhooks', expiration: Duration.days(config.rawArchiveRetentionDays) },
        ...(config.rawArchiveRetentionDays > 60
          ? [{ id: 'infrequent-access-after-30-days', transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] }]
          : []),
      ],
      removalPolicy,
    });
    // A fixed export name, so other contexts can grant writes under their own prefix with a policy that reviews (and cdk-nag acknowledgements) can name.
    new CfnOutput(this, 'RawArchiveArn', { value: this.rawArchive.bucketArn, exportName: rawArchiveArnExportName(config.name) });
    Validations.of(this.rawArchive).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only the two intake roles and the WMS webhook role may write (PutObject on their own prefix) and no role reads; audit access with the account\'s CloudTrail S3 data events rather than a second log bucket per environment',
    });

    // Powertools idempotency layout: key `id`, TTL `expiration`.
    const idempotency = new DataTable(this, 'Idempotency', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      sortKey: null,
      timeToLiveAttribute: 'expiration',
      protectData: false,
    }).table;

    this.webhookFunctions = {} as Record<WebhookSource, ServiceFunction>;
    for (const webhook of WEBHOOKS) {
      const fn = new ServiceFunction(this, webhook.id, {
        entry: webhook.entry,
        serviceName: 'intake',
        description: webhook.description,
        logRetentionDays: config.logRetentionDays,
        // Shopify and Razorpay give up after 5 s; failing first leaves the answer to their retry.
        timeout: Duration.seconds(4),
        environment: {
          ENVIRONMENT_NAME: config.name,
          BRAND_SECRET_PREFIX: brandSecretPrefix(config.name, webhook.source),
          EVENT_BUS_NAME: props.bus.eventBusName,
          RAW_ARCHIVE_BUCKET: this.rawArchive.bucketName,
          IDEMPOTENCY_TABLE_NAME: idempotency.tableName,
        },
      });
      grantPutEventsAsSource(fn.role, props.bus, props.eventSource);
      // Only PutObject, and only under this source's prefix: a webhook function can add to the archive, never read or rewrite another source.
      fn.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.rawArchive.arnForObjects(`${webhook.source}/*`)] }));
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.rawArchive.node.defaultChild as never)}.Arn>/${webhook.source}/*]`,
        reason: 'Every delivery is a new object key, so PutObject is granted on the source\'s key prefix; nothing else in the bucket is reachable',
      });
      idempotency.grantReadWriteData(fn.role);
      this.webhookFunctions[webhook.source] = fn;

      for (const brand of props.brands) {
        const secret = new secretsmanager.Secret(this, `${webhook.source}-secret-${brand.id}`, {
          secretName: brandSecretName(config.name, webhook.source, brand.id),
          description: `${brand.name}: ${webhook.secretDescription}; replace the generated value with the real one`,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
          removalPolicy,
        });
        secret.grantRead(fn.role);
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason: `The ${webhook.source} webhook secret is issued by ${webhook.source === 'shopify' ? 'Shopify' : 'Razorpay'} and rotated in its dashboard, not by a rotation Lambda`,
        });
      }
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `order-automation-${config.name}`,
      description: 'Inbound webhooks from storefronts and payment gateways, and the order status API',
      createDefaultStage: false,
    });
    new CfnOutput(this, 'ApiId', { value: this.api.apiId, exportName: apiIdExportName(config.name) });
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
    for (const webhook of WEBHOOKS) {
      const routes = this.api.addRoutes({
        path: `/webhooks/${webhook.source}/{brand}`,
        methods: [apigw.HttpMethod.POST],
        integration: new HttpLambdaIntegration(`${webhook.id}Integration`, this.webhookFunctions[webhook.source].function),
      });
      for (const route of routes) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${webhook.source === 'shopify' ? 'Shopify' : 'Razorpay'} cannot send IAM or JWT credentials; every request is authenticated by its HMAC signature, checked in the function before anything is published`,
        });
      }
    }
  }
}

/** Export holding the raw archive bucket's ARN. */
/** The HTTP API's id, exported by name so that grants on its routes read the same in every stack (and in their cdk-nag acknowledgements). */
export const apiIdExportName = (environment: string) => `order-automation-${environment}-api-id`;
export const rawArchiveArnExportName = (environment: string) => `order-automation-${environment}-raw-archive-arn`;
