import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BRANDS, brandSecretName, brandSecretPrefix } from '../config/brands.ts';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable, notificationsTableName } from '../constructs/data-table.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { NOTIFYING_EVENTS } from '../../lambdas/notifications/domain/notification-intent.ts';
import { apiIdExportName, rawArchiveArnExportName } from './intake-stack.ts';

/** Where the providers live; the local cloud points these at its simulators. */
export const WHATSAPP_GRAPH_URL = 'https://graph.facebook.com';
/** Meta's default Cloud API throughput per business number; raise it when Meta moves the numbers to a higher tier. */
export const WHATSAPP_MESSAGES_PER_SECOND = 80;
export const SENDGRID_API_URL = 'https://api.sendgrid.com';

/** The lifecycle events a customer hears about, as the sender maps them (lambdas/notifications/domain/notification-intent.ts). */
export const CUSTOMER_UPDATE_EVENTS = NOTIFYING_EVENTS;

export interface NotificationsStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  /** The HTTP API: the provider webhooks are added to it, and the WISMO answer reads the status route. */
  readonly api: apigw.HttpApi;
  /** The orders table: the sender reads each order's customer, language and mode (never writes). */
  readonly ordersTable: dynamodb.ITable;
  /** Raw inbound bodies; provider webhooks are archived under `whatsapp/` and `sendgrid/`. */
  readonly rawArchive: s3.IBucket;
  /** The event sources the customer updates come from (EVENT_SOURCES in lambdas/shared/events.ts). */
  readonly eventSources: readonly string[];
}

/**
 * Talking to customers: each lifecycle moment on WhatsApp or email, in the brand's voice and the
 * customer's language, at most once per order, moment and channel; the providers' delivery
 * statuses with fallback to the other channel; opt-outs; and "where is my order?" answered.
 */
export class NotificationsStack extends Stack {
  public readonly notificationsTable: dynamodb.Table;
  public readonly customerUpdates: EventRuleToQueue;

  constructor(scope: Construct, id: string, props: NotificationsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.notificationsTable = new DataTable(this, 'Notifications', { tableName: notificationsTableName(config.name), protectData: config.protectData, timeToLiveAttribute: 'expiresAt' }).table;

    // Most are issued by the provider and rotated there; the verify token is ours, typed once into Meta's settings.
    const secret = (secretId: string, secretName: string, description: string, rotation: string) => {
      const created = new secretsmanager.Secret(this, secretId, { secretName, description, generateSecretString: { passwordLength: 48, excludePunctuation: true }, removalPolicy });
      Validations.of(created).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotation });
      return created;
    };
    const issuedBy = (issuer: string) => `Issued by ${issuer} and rotated there; we store its copy`;
    const whatsappTokens = BRANDS.map((brand) =>
      secret(`WhatsAppToken${pascal(brand.id)}`, brandSecretName(config.name, 'whatsapp', brand.id), `WhatsApp Cloud API access token of ${brand.name}'s number (system user token); replace the generated value`, issuedBy('Meta Business Manager')),
    );
    const appSecret = secret('WhatsAppAppSecret', `order-automation/${config.name}/whatsapp/app-secret`, 'Meta app secret that signs WhatsApp webhooks (X-Hub-Signature-256); replace the generated value', issuedBy('the Meta app dashboard'));
    const verifyToken = secret('WhatsAppVerifyToken', `order-automation/${config.name}/whatsapp/verify-token`, 'The verify token entered when subscribing the WhatsApp webhook; the generated value can be used as is', 'Generated here and typed once into Meta\'s webhook settings; rotating it means re-subscribing the webhook, which a rotation Lambda cannot do');
    const sendGridKey = secret('SendGridApiKey', `order-automation/${config.name}/sendgrid/api-key`, 'SendGrid API key with Mail Send permission; replace the generated value', issuedBy('SendGrid'));
    const sendGridPublicKey = secret('SendGridWebhookPublicKey', `order-automation/${config.name}/sendgrid/event-webhook-public-key`, 'Verification key of the Signed Event Webhook (Mail Settings); replace the generated value', issuedBy('SendGrid'));

    // Quiet hours and provider back-offs bring a message back up to a dozen times before it is given up.
    this.customerUpdates = new EventRuleToQueue(this, 'CustomerUpdates', {
      bus: props.bus,
      description: 'Lifecycle events a customer hears about → the notification sender',
      eventPattern: { source: [...props.eventSources], detailType: [...CUSTOMER_UPDATE_EVENTS] },
      // Six times the sender's timeout, as for every queue here, so a slow batch is not delivered twice.
      visibilityTimeout: Duration.seconds(360),
      maxReceiveCount: 20,
    });
    const queue = this.customerUpdates.queue.queue;
    const shared = { NOTIFICATIONS_TABLE_NAME: this.notificationsTable.tableName, NOTIFICATIONS_QUEUE_URL: queue.queueUrl };
    const whatsappSide = { WHATSAPP_BASE_URL: WHATSAPP_GRAPH_URL, WHATSAPP_TOKEN_SECRET_PREFIX: brandSecretPrefix(config.name, 'whatsapp'), PUBLIC_API_URL: props.api.apiEndpoint };

    const sender = new ServiceFunction(this, 'SendNotifications', {
      entry: 'lambdas/notifications/send-notifications.ts',
      serviceName: 'notifications',
      description: 'Sends each lifecycle moment to the customer once per channel (WhatsApp template or email), with fallback, opt-out and quiet hours',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(60),
      environment: {
        ...shared,
        ...whatsappSide,
        ORDERS_TABLE_NAME: props.ordersTable.tableName,
        SENDGRID_BASE_URL: SENDGRID_API_URL,
        SENDGRID_API_KEY_SECRET_NAME: sendGridKey.secretName,
        WHATSAPP_MESSAGES_PER_SECOND: String(WHATSAPP_MESSAGES_PER_SECOND),
      },
    });
    this.notificationsTable.grantReadWriteData(sender.role);
    props.ordersTable.grant(sender.role, 'dynamodb:GetItem');
    for (const token of whatsappTokens) token.grantRead(sender.role);
    sendGridKey.grantRead(sender.role);
    // Ten senders share each number's line (SendPacer), so together they stay inside its throughput however many run.
    sender.function.addEventSource(new SqsEventSource(queue, { batchSize: 10, maxConcurrency: 10, reportBatchItemFailures: true }));

    const archiveExport = rawArchiveArnExportName(config.name);
    const webhook = (functionId: string, entry: string, description: string, prefix: 'whatsapp' | 'sendgrid', environment: Record<string, string>) => {
      const receiver = new ServiceFunction(this, functionId, { entry, serviceName: 'notifications', description, logRetentionDays: config.logRetentionDays, timeout: Duration.seconds(15), environment: { ...shared, RAW_ARCHIVE_BUCKET: props.rawArchive.bucketName, ...environment } });
      this.notificationsTable.grantReadWriteData(receiver.role);
      queue.grantSendMessages(receiver.role);
      receiver.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${Fn.importValue(archiveExport)}/${prefix}/*`] }));
      Validations.of(receiver.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${archiveExport}/${prefix}/*]`,
        reason: `Every delivery is a new object key, so PutObject is granted on the ${prefix}/ prefix of the raw archive; nothing else in the bucket is reachable`,
      });
      return receiver;
    };

    const whatsapp = webhook('ReceiveWhatsAppWebhook', 'lambdas/notifications/receive-whatsapp-webhook.ts', 'WhatsApp webhooks: the subscription handshake, delivery statuses (fallback to email on failure), opt-outs and "where is my order?" answered from the status API', 'whatsapp', {
      ...whatsappSide,
      WHATSAPP_APP_SECRET_NAME: appSecret.secretName,
      WHATSAPP_VERIFY_TOKEN_NAME: verifyToken.secretName,
    });
    appSecret.grantRead(whatsapp.role);
    verifyToken.grantRead(whatsapp.role);
    for (const token of whatsappTokens) token.grantRead(whatsapp.role);
    const apiExport = apiIdExportName(config.name);
    // Pseudo parameters, not the stack's account: the ARN (and its acknowledgement below) must read the same whether or not an account is configured.
    const statusRoute = `arn:${Aws.PARTITION}:execute-api:${config.region}:${Aws.ACCOUNT_ID}:${Fn.importValue(apiExport)}/*/GET/orders/*`;
    // A policy of its own holding only this statement, so its acknowledgement covers nothing else.
    const readStatus = new iam.Policy(this, 'ReadOrderStatusPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [statusRoute] })],
    });
    readStatus.attachToRole(whatsapp.role);
    Validations.of(readStatus).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${config.region}:<AWS::AccountId>:${apiExport}/*/GET/orders/*]`,
      reason: 'The WISMO answer reads the asking customer\'s own orders through the status route (GET /orders/{brand}/{orderId}), whose ids are known only at run time; the policy allows nothing else',
    });

    const sendGrid = webhook('ReceiveSendGridEvents', 'lambdas/notifications/receive-sendgrid-events.ts', 'SendGrid Event Webhook: delivery statuses (fallback to WhatsApp on bounce), unsubscribes and spam reports', 'sendgrid', {
      SENDGRID_WEBHOOK_PUBLIC_KEY_NAME: sendGridPublicKey.secretName,
    });
    sendGridPublicKey.grantRead(sendGrid.role);

    const route = (routeId: string, path: string, method: apigw.HttpMethod, target: ServiceFunction, who: string, check = 'the function checks its signature before anything is applied') => {
      const created = new apigw.HttpRoute(this, routeId, {
        httpApi: props.api,
        routeKey: apigw.HttpRouteKey.with(path, method),
        integration: new HttpLambdaIntegration(`${routeId}Integration`, target.function),
      });
      Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: `${who} sends no IAM or JWT credentials; ${check}` });
    };
    route('WhatsAppVerificationRoute', '/webhooks/whatsapp', apigw.HttpMethod.GET, whatsapp, 'Meta\'s subscription handshake', 'it answers only with the challenge it was sent, and only when the verify token matches');
    route('WhatsAppWebhookRoute', '/webhooks/whatsapp', apigw.HttpMethod.POST, whatsapp, 'Meta');
    route('SendGridEventsRoute', '/webhooks/sendgrid/events', apigw.HttpMethod.POST, sendGrid, 'SendGrid');
  }
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
