import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable, rtoStatsTableName, shipmentsTableName } from '../constructs/data-table.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { rawArchiveArnExportName } from './intake-stack.ts';

/** The order workflow's name; tracking resumes its parked tasks, and naming it avoids a stack cycle (the workflow calls this stack's functions). */
export const orderLifecycleName = (environment: string) => `order-lifecycle-${environment}`;

export interface FulfilmentStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  /** Must equal EVENT_SOURCES.fulfilment in lambdas/shared/events.ts. */
  readonly eventSource: string;
  /** Must equal EVENT_SOURCES.intake: cancellations come from the storefronts. */
  readonly intakeEventSource: string;
  /** The HTTP API the tracking webhook route is added to. */
  readonly api: apigw.HttpApi;
  /** Raw inbound bodies; tracking webhooks are archived under `shipbob/` and `aftership/`. */
  readonly rawArchive: s3.IBucket;
}

/**
 * Getting orders to the customer: the ERP and WMS hand-offs the workflow calls, shipment
 * tracking (warehouse and carrier webhooks that resume the workflow), and what routing learns
 * from deliveries (return-to-origin counters per pincode, district, state and country).
 */
export class FulfilmentStack extends Stack {
  public readonly rtoStatsTable: dynamodb.Table;
  public readonly submitToErp: ServiceFunction;
  public readonly createWmsShipments: ServiceFunction;
  public readonly cancelHandOff: ServiceFunction;
  public readonly awaitShipment: ServiceFunction;
  public readonly shipmentsTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: FulfilmentStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.rtoStatsTable = new DataTable(this, 'RtoStats', { tableName: rtoStatsTableName(config.name), protectData: config.protectData }).table;
    this.shipmentsTable = new DataTable(this, 'Shipments', { tableName: shipmentsTableName(config.name), protectData: config.protectData }).table;

    const token = (tokenId: string, system: string, description: string) => {
      const secret = new secretsmanager.Secret(this, tokenId, {
        secretName: `order-automation/${config.name}/${system}/access-token`,
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: `The ${system} access token is issued by the ${system === 'erp' ? 'ERP\'s identity provider' : '3PL dashboard'} and rotated there, not by a rotation Lambda` });
      return secret;
    };
    const erpToken = token('ErpAccessToken', 'erp', 'OAuth2 bearer token for the ERP API (Business Central); replace the generated value');
    const wmsToken = token('WmsShipmentsAccessToken', 'wms-shipments', 'Bearer token for the WMS order API (ShipBob); replace the generated value');

    const erpEnvironment = { ERP_BASE_URL: config.erp.baseUrl, ERP_COMPANY_ID: config.erp.companyId, ERP_ACCESS_TOKEN_SECRET_NAME: erpToken.secretName };
    const wmsEnvironment = { WMS_SHIPMENTS_BASE_URL: config.wmsShipments.baseUrl, WMS_SHIPMENTS_CHANNEL_ID: config.wmsShipments.channelId, WMS_SHIPMENTS_TOKEN_SECRET_NAME: wmsToken.secretName };
    // The ERP and the WMS may take seconds; the workflow's Retry covers slower outages.
    this.submitToErp = new ServiceFunction(this, 'SubmitToErp', {
      entry: 'lambdas/fulfilment/submit-to-erp.ts',
      serviceName: 'fulfilment',
      description: 'Order lifecycle step: creates the sales order in the ERP once per order (looked up by our key before creating)',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(30),
      environment: erpEnvironment,
    });
    erpToken.grantRead(this.submitToErp.role);
    this.createWmsShipments = new ServiceFunction(this, 'CreateWmsShipments', {
      entry: 'lambdas/fulfilment/create-wms-shipments.ts',
      serviceName: 'fulfilment',
      description: 'Order lifecycle step: creates one WMS order per routed shipment, keyed by order and warehouse',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(30),
      environment: { ...wmsEnvironment, SHIPMENTS_TABLE_NAME: this.shipmentsTable.tableName },
    });
    wmsToken.grantRead(this.createWmsShipments.role);
    this.shipmentsTable.grantWriteData(this.createWmsShipments.role);
    this.cancelHandOff = new ServiceFunction(this, 'CancelHandOff', {
      entry: 'lambdas/fulfilment/cancel-hand-off.ts',
      serviceName: 'fulfilment',
      description: 'Order lifecycle compensation: cancels the ERP sales order and the WMS shipments of an order cancelled during the hand-off',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(30),
      environment: { ...erpEnvironment, ...wmsEnvironment },
    });
    erpToken.grantRead(this.cancelHandOff.role);
    wmsToken.grantRead(this.cancelHandOff.role);

    this.awaitShipment = this.addTracking(config, props);

    // A customer's cancellation after the hand-off: shipments still at the warehouse are cancelled there, the others become returns.
    const cancellations = new EventRuleToQueue(this, 'Cancellations', {
      bus: props.bus,
      description: 'Order Cancelled → cancel the order\'s shipments at the WMS, or turn them into returns',
      eventPattern: { source: [props.intakeEventSource], detailType: ['Order Cancelled'] },
      visibilityTimeout: Duration.seconds(180),
    });
    const cancelShipments = new ServiceFunction(this, 'CancelShipments', {
      entry: 'lambdas/fulfilment/cancel-shipments.ts',
      serviceName: 'fulfilment',
      description: 'Cancels a cancelled order\'s shipments still at the warehouse and resumes their tracking; dispatched ones become returns',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(30),
      environment: { ...wmsEnvironment, SHIPMENTS_TABLE_NAME: this.shipmentsTable.tableName, EVENT_BUS_NAME: props.bus.eventBusName },
    });
    wmsToken.grantRead(cancelShipments.role);
    this.shipmentsTable.grantReadWriteData(cancelShipments.role);
    cancelShipments.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.workflowArn(config)] }));
    grantPutEventsAsSource(cancelShipments.role, props.bus, props.eventSource);
    cancelShipments.function.addEventSource(new SqsEventSource(cancellations.queue.queue, { batchSize: 5, maxConcurrency: 2, reportBatchItemFailures: true }));

    // Routing learns from every delivery: each outcome counts once toward its destination's RTO risk.
    const outcomes = new EventRuleToQueue(this, 'DeliveryOutcomes', {
      bus: props.bus,
      description: 'Order Delivered / Order Returned → the RTO statistics',
      eventPattern: { source: [props.eventSource], detailType: ['Order Delivered', 'Order Returned'] },
      visibilityTimeout: Duration.seconds(60),
    });
    const recordOutcome = new ServiceFunction(this, 'RecordDeliveryOutcome', {
      entry: 'lambdas/fulfilment/record-delivery-outcome.ts',
      serviceName: 'fulfilment',
      description: 'Counts each delivered or returned order once toward its destination\'s RTO risk',
      logRetentionDays: config.logRetentionDays,
      environment: { RTO_STATS_TABLE_NAME: this.rtoStatsTable.tableName },
    });
    this.rtoStatsTable.grantReadWriteData(recordOutcome.role);
    recordOutcome.function.addEventSource(new SqsEventSource(outcomes.queue.queue, { batchSize: 10, maxConcurrency: 2, reportBatchItemFailures: true }));
  }

  private workflowArn(config: EnvironmentConfig): string {
    return Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: orderLifecycleName(config.name), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /**
   * Shipment tracking: ShipBob and AfterShip webhooks move shipments along and resume the
   * workflow's parked tasks; Await Shipment parks them.
   */
  private addTracking(config: EnvironmentConfig, props: FulfilmentStackProps): ServiceFunction {
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const webhookSecret = (id: string, provider: 'shipbob' | 'aftership', description: string) => {
      const secret = new secretsmanager.Secret(this, id, {
        secretName: `order-automation/${config.name}/tracking/${provider}-webhook-secret`,
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: `The ${provider} webhook secret is issued by ${provider === 'shipbob' ? 'ShipBob' : 'AfterShip'} when the webhook is subscribed and rotated there; we store its copy` });
      return secret;
    };
    const shipBobSecret = webhookSecret('ShipBobWebhookSecret', 'shipbob', 'ShipBob webhook signing secret (whsec_…), from the webhook subscription; replace the generated value');
    const afterShipSecret = webhookSecret('AfterShipWebhookSecret', 'aftership', 'AfterShip webhook secret (Settings > Webhooks); replace the generated value');
    const resumeWorkflow = new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.workflowArn(config)] });
    const tableEnvironment = { SHIPMENTS_TABLE_NAME: this.shipmentsTable.tableName };

    const awaitShipment = new ServiceFunction(this, 'AwaitShipment', {
      entry: 'lambdas/fulfilment/await-shipment.ts',
      serviceName: 'fulfilment',
      description: 'Order lifecycle step: parks the workflow\'s task token on a shipment until it is dispatched, delivered or back at the warehouse',
      logRetentionDays: config.logRetentionDays,
      environment: tableEnvironment,
    });
    // It parks a token (UpdateItem) and reads the shipment back; nothing else.
    this.shipmentsTable.grant(awaitShipment.role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    awaitShipment.role.addToPrincipalPolicy(resumeWorkflow);

    const receiveTracking = new ServiceFunction(this, 'ReceiveTrackingWebhook', {
      entry: 'lambdas/fulfilment/receive-tracking-webhook.ts',
      serviceName: 'fulfilment',
      description: 'Archives and verifies ShipBob and AfterShip tracking webhooks, moves shipments on, publishes each milestone once, resumes the workflow',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(10),
      environment: {
        ...tableEnvironment,
        EVENT_BUS_NAME: props.bus.eventBusName,
        RAW_ARCHIVE_BUCKET: props.rawArchive.bucketName,
        SHIPBOB_WEBHOOK_SECRET_NAME: shipBobSecret.secretName,
        AFTERSHIP_WEBHOOK_SECRET_NAME: afterShipSecret.secretName,
      },
    });
    this.shipmentsTable.grantReadWriteData(receiveTracking.role);
    receiveTracking.role.addToPrincipalPolicy(resumeWorkflow);
    shipBobSecret.grantRead(receiveTracking.role);
    afterShipSecret.grantRead(receiveTracking.role);
    grantPutEventsAsSource(receiveTracking.role, props.bus, props.eventSource);
    const archiveExport = rawArchiveArnExportName(config.name);
    receiveTracking.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${Fn.importValue(archiveExport)}/shipbob/*`, `${Fn.importValue(archiveExport)}/aftership/*`] }),
    );
    for (const prefix of ['shipbob', 'aftership']) {
      Validations.of(receiveTracking.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${archiveExport}/${prefix}/*]`,
        reason: `Every delivery is a new object key, so PutObject is granted on the ${prefix}/ prefix of the raw archive; nothing else in the bucket is reachable`,
      });
    }
    // In this stack, beside its function, like the WMS stock route: a route in Intake would make Intake depend on this stack.
    const route = new apigw.HttpRoute(this, 'TrackingWebhookRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/webhooks/tracking/{provider}', apigw.HttpMethod.POST),
      integration: new HttpLambdaIntegration('ReceiveTrackingWebhookIntegration', receiveTracking.function),
    });
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'ShipBob and AfterShip send no IAM or JWT credentials; every request is authenticated by its HMAC signature, checked in the function before anything is applied',
    });
    return awaitShipment;
  }
}
