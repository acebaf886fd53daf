import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable, rtoStatsTableName } from '../constructs/data-table.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface FulfilmentStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  /** Must equal EVENT_SOURCES.fulfilment in lambdas/shared/events.ts. */
  readonly eventSource: string;
}

/**
 * Getting orders to the customer: the ERP and WMS hand-offs the workflow calls, and what routing
 * learns from deliveries (return-to-origin counters per pincode, district, state and country).
 * Shipment tracking joins this stack as it is built.
 */
export class FulfilmentStack extends Stack {
  public readonly rtoStatsTable: dynamodb.Table;
  public readonly submitToErp: ServiceFunction;
  public readonly createWmsShipments: ServiceFunction;
  public readonly cancelHandOff: ServiceFunction;

  constructor(scope: Construct, id: string, props: FulfilmentStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.rtoStatsTable = new DataTable(this, 'RtoStats', { tableName: rtoStatsTableName(config.name), protectData: config.protectData }).table;

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
      environment: wmsEnvironment,
    });
    wmsToken.grantRead(this.createWmsShipments.role);
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
}
