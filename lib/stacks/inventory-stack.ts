import { Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { brandSecretName, brandSecretPrefix, type BrandConfig } from '../config/brands.ts';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable, inventoryTableName } from '../constructs/data-table.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { ScheduledJob } from '../constructs/scheduled-job.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { rawArchiveArnExportName } from './intake-stack.ts';

export interface InventoryStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  readonly brands: readonly BrandConfig[];
  /** The HTTP API the WMS webhook route is added to. */
  readonly api: apigw.HttpApi;
  /** Raw inbound bodies; WMS webhooks are archived under `wms/`. */
  readonly rawArchive: s3.IBucket;
  /** Must equal EVENT_SOURCES.inventory in lambdas/shared/events.ts. */
  readonly eventSource: string;
  /** Must equal EVENT_SOURCES.intake: cancellations come from intake. */
  readonly intakeEventSource: string;
  /** Must equal EVENT_SOURCES.fulfilment: dispatches come from tracking. */
  readonly fulfilmentEventSource: string;
  /** Must equal EVENT_SOURCES.orders: hand-offs to the warehouse come from the workflow. */
  readonly ordersEventSource: string;
  /** Delivery outcomes per area, which Reserve And Route reads for RTO risk. */
  readonly rtoStatsTable: dynamodb.ITable;
}

/** Physical names of the inventory schedules, shared with the local system and ops tools. */
export const inventoryScheduleName = (environment: string, job: 'stock-poll' | 'reconciliation' | 'reservation-expiry') => `order-automation-${environment}-${job}`;

/** The Shopify Admin GraphQL endpoint; `{shop}` is the brand's `<shop>.myshopify.com`. */
const SHOPIFY_ADMIN_URL_TEMPLATE = 'https://{shop}/admin/api/2025-07/graphql.json';

/**
 * Stock per SKU × warehouse and the reservations against it: WMS webhooks, the one-minute poll,
 * the 15-minute reconciliation, the expiry sweep, storefront stock pushes, and the Reserve and
 * Release steps the order workflow calls.
 */
export class InventoryStack extends Stack {
  public readonly inventoryTable: dynamodb.Table;
  public readonly reserveStock: ServiceFunction;
  public readonly releaseStock: ServiceFunction;

  constructor(scope: Construct, id: string, props: InventoryStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.inventoryTable = new DataTable(this, 'Inventory', {
      tableName: inventoryTableName(config.name),
      protectData: config.protectData,
      indexes: [
        // Sparse: only held reservations carry expiryStatus, so the sweep reads nothing else.
        {
          indexName: 'byExpiry',
          partitionKey: { name: 'expiryStatus', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'expiresAt', type: dynamodb.AttributeType.NUMBER },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY,
        },
        {
          indexName: 'byWarehouse',
          partitionKey: { name: 'warehouseId', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'sku', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
    }).table;

    const wmsApiToken = new secretsmanager.Secret(this, 'WmsApiToken', {
      secretName: `order-automation/${config.name}/wms/api-token`,
      description: 'Bearer token for the WMS stock API; replace the generated value with the one the WMS issues',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    const wmsWebhookSecret = new secretsmanager.Secret(this, 'WmsWebhookSecret', {
      secretName: `order-automation/${config.name}/wms/webhook-secret`,
      description: 'HMAC key the WMS signs stock webhooks with; give the generated value to the WMS',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    for (const secret of [wmsApiToken, wmsWebhookSecret]) {
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Issued and rotated together with the WMS vendor, not by a rotation Lambda' });
    }

    const base = { INVENTORY_TABLE_NAME: this.inventoryTable.tableName, EVENT_BUS_NAME: props.bus.eventBusName };
    const fn = (fid: string, entry: string, description: string, extra: { environment?: Record<string, string>; timeout?: Duration } = {}) => {
      const created = new ServiceFunction(this, fid, {
        entry,
        serviceName: 'inventory',
        description,
        logRetentionDays: config.logRetentionDays,
        timeout: extra.timeout,
        environment: { ...base, ...extra.environment },
      });
      this.inventoryTable.grantReadWriteData(created.role);
      Validations.of(created.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.inventoryTable.node.defaultChild as never)}.Arn>/index/*]`,
        reason: 'Queries the inventory table\'s own indexes (byExpiry, byWarehouse); index ARNs exist only under the table ARN',
      });
      grantPutEventsAsSource(created.role, props.bus, props.eventSource);
      return created;
    };

    this.reserveStock = fn('ReserveStock', 'lambdas/inventory/reserve-stock.ts', 'Order lifecycle step: routes the order (cost, speed, stock health, RTO risk) and holds its stock, all lines or none', {
      environment: { RESERVATION_HOLD_MINUTES: String(config.reservationHoldMinutes), RTO_STATS_TABLE_NAME: props.rtoStatsTable.tableName },
      timeout: Duration.seconds(20),
    });
    props.rtoStatsTable.grantReadData(this.reserveStock.role);
    this.releaseStock = fn('ReleaseStock', 'lambdas/inventory/release-stock.ts', 'Order lifecycle compensation: gives an order\'s held stock back');

    // Stock from the warehouses: signed webhooks, a one-minute poll, a 15-minute reconciliation.
    const receiveStockWebhook = fn('ReceiveStockWebhook', 'lambdas/inventory/receive-stock-webhook.ts', 'Archives and verifies signed WMS stock webhooks, applies newer counts, publishes Stock Level Changed', {
      environment: { RAW_ARCHIVE_BUCKET: props.rawArchive.bucketName, WMS_WEBHOOK_SECRET_NAME: wmsWebhookSecret.secretName },
      timeout: Duration.seconds(10),
    });
    wmsWebhookSecret.grantRead(receiveStockWebhook.role);
    const archiveExport = rawArchiveArnExportName(config.name);
    receiveStockWebhook.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${Fn.importValue(archiveExport)}/wms/*`] }));
    Validations.of(receiveStockWebhook.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${archiveExport}/wms/*]`,
      reason: 'Every delivery is a new object key, so PutObject is granted on the wms/ prefix of the raw archive; nothing else in the bucket is reachable',
    });
    // The route lives in this stack, not the API's: this stack already depends on Intake (bucket, API), and a route there would make Intake depend back on this function.
    const route = new apigw.HttpRoute(this, 'WmsWebhookRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/webhooks/wms/{warehouseId}', apigw.HttpMethod.POST),
      integration: new HttpLambdaIntegration('ReceiveStockWebhookIntegration', receiveStockWebhook.function),
    });
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The WMS sends no IAM or JWT credentials; every request is authenticated by its timestamped HMAC signature, checked in the function before anything is applied',
    });

    const wmsEnvironment = { WMS_BASE_URL: config.wmsBaseUrl, WMS_API_TOKEN_SECRET_NAME: wmsApiToken.secretName };
    const pollWarehouseStock = fn('PollWarehouseStock', 'lambdas/inventory/poll-warehouse-stock.ts', 'Every minute: applies stock changes from warehouses that send no webhooks', {
      environment: wmsEnvironment,
      timeout: Duration.seconds(50),
    });
    const reconcileInventory = fn('ReconcileInventory', 'lambdas/inventory/reconcile-inventory.ts', 'Every 15 minutes: compares each warehouse\'s full WMS snapshot with ours, corrects drift, reports incidents', {
      environment: wmsEnvironment,
      timeout: Duration.minutes(5),
    });
    for (const job of [pollWarehouseStock, reconcileInventory]) wmsApiToken.grantRead(job.role);
    const releaseExpired = fn('ReleaseExpiredReservations', 'lambdas/inventory/release-expired-reservations.ts', 'Every 5 minutes: releases reservations never committed by their expiry', {
      timeout: Duration.minutes(2),
    });
    new ScheduledJob(this, 'StockPoll', { function: pollWarehouseStock.function, scheduleName: inventoryScheduleName(config.name, 'stock-poll'), every: Duration.minutes(1), description: 'Polls WMS stock changes for warehouses without webhooks' });
    new ScheduledJob(this, 'Reconciliation', { function: reconcileInventory.function, scheduleName: inventoryScheduleName(config.name, 'reconciliation'), every: Duration.minutes(15), description: 'Reconciles every warehouse with its WMS snapshot' });
    new ScheduledJob(this, 'ExpirySweep', { function: releaseExpired.function, scheduleName: inventoryScheduleName(config.name, 'reservation-expiry'), every: Duration.minutes(5), description: 'Releases expired stock reservations' });

    // Storefront stock: debounced by the batching window, rate-limited by concurrency and Shopify's bucket.
    const storefrontStock = new EventRuleToQueue(this, 'StorefrontStock', {
      bus: props.bus,
      description: 'Stock Level Changed → the storefront stock push (the queue coalesces bursts)',
      eventPattern: { source: [props.eventSource], detailType: ['Stock Level Changed'] },
      visibilityTimeout: Duration.seconds(180),
      maxReceiveCount: 10,
    });
    const pushStorefrontStock = fn('PushStorefrontStock', 'lambdas/inventory/push-storefront-stock.ts', 'Pushes available stock per SKU to each brand\'s Shopify locations (inventorySetQuantities), batched and rate-limited', {
      environment: { SHOPIFY_ADMIN_TOKEN_SECRET_PREFIX: brandSecretPrefix(config.name, 'shopify-admin'), SHOPIFY_ADMIN_URL_TEMPLATE },
      timeout: Duration.seconds(30),
    });
    pushStorefrontStock.function.addEventSource(
      new SqsEventSource(storefrontStock.queue.queue, {
        batchSize: 500,
        // The debounce: changes within this window become one read and one push per brand.
        maxBatchingWindow: Duration.seconds(5),
        // Two pushes at a time keep well inside a Shopify Plus bucket even with 14 brands.
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      }),
    );
    for (const brand of props.brands) {
      const token = new secretsmanager.Secret(this, `shopify-admin-token-${brand.id}`, {
        secretName: brandSecretName(config.name, 'shopify-admin', brand.id),
        description: `${brand.name}: Shopify Admin API access token (write_inventory) for storefront stock; replace the generated value`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      token.grantRead(pushStorefrontStock.role);
      Validations.of(token).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Shopify issues the Admin API token when the app is installed; it is rotated by reinstalling, not by a rotation Lambda' });
    }

    // A cancelled order's stock goes back on sale, whatever stage the workflow is at.
    const cancellations = new EventRuleToQueue(this, 'Cancellations', {
      bus: props.bus,
      description: 'Order Cancelled → release the order\'s reserved stock',
      eventPattern: { source: [props.intakeEventSource], detailType: ['Order Cancelled'] },
      visibilityTimeout: Duration.seconds(60),
    });
    const releaseCancelled = fn('ReleaseCancelledOrders', 'lambdas/inventory/release-cancelled-orders.ts', 'Releases the stock held for cancelled orders');
    releaseCancelled.function.addEventSource(new SqsEventSource(cancellations.queue.queue, { batchSize: 10, maxConcurrency: 2, reportBatchItemFailures: true }));
  
    // Held stock waits for the warehouse to dispatch it, then the reservation becomes a commitment.
    const shipping = new EventRuleToQueue(this, 'ShippingProgress', {
      bus: props.bus,
      description: 'Order Submitted → hold the order\'s stock until dispatch; Shipment Dispatched → commit it',
      eventPattern: { source: [props.ordersEventSource, props.fulfilmentEventSource], detailType: ['Order Submitted', 'Shipment Dispatched'] },
      visibilityTimeout: Duration.seconds(60),
    });
    const holdUntilDispatch = fn('HoldStockUntilDispatch', 'lambdas/inventory/hold-stock-until-dispatch.ts', 'Keeps a submitted order\'s stock held until dispatch, then commits it');
    holdUntilDispatch.function.addEventSource(new SqsEventSource(shipping.queue.queue, { batchSize: 10, maxConcurrency: 2, reportBatchItemFailures: true }));
  }
}
