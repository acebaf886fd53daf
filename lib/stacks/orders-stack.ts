import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DataTable, opsTasksTableName, ordersTableName } from '../constructs/data-table.ts';
import { DurableQueue } from '../constructs/durable-queue.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { orderLifecycleName } from './fulfilment-stack.ts';

export interface OrdersStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  readonly configTable: dynamodb.ITable;
  /** The HTTP API the status routes are added to. */
  readonly api: apigw.HttpApi;
  /** Must equal EVENT_SOURCES.intake in lambdas/shared/events.ts. */
  readonly intakeEventSource: string;
  /** Must equal EVENT_SOURCES.orders in lambdas/shared/events.ts. */
  readonly ordersEventSource: string;
  /** Must equal EVENT_SOURCES.inventory; its reservation events join the order's timeline. */
  readonly inventoryEventSource: string;
  /** Must equal EVENT_SOURCES.fulfilment; delivery outcomes join the order's timeline. */
  readonly fulfilmentEventSource: string;
  /** Workflow steps owned by the inventory context. */
  readonly reserveStock: lambda.IFunction;
  readonly releaseStock: lambda.IFunction;
  /** Workflow steps owned by the fulfilment context. */
  readonly submitToErp: lambda.IFunction;
  readonly createWmsShipments: lambda.IFunction;
  readonly cancelHandOff: lambda.IFunction;
  readonly awaitShipment: lambda.IFunction;
}

/** Detail-types the orders context applies to its table, in the order they usually arrive. */
const APPLIED_EVENTS = [
  'Order Received',
  'Order Updated',
  'Order Cancelled',
  'Order Rejected',
  'Payment Captured',
  'Payment Failed',
  'Order Accepted',
  'Order Submitted',
  'Inventory Reserved',
  'Inventory Shortfall',
  'Item Substituted',
  'Inventory Released',
  'Fulfillment Routed',
  'Order Delivered',
  'Order Returned',
  'Shipment Dispatched',
  'Shipment In Transit',
  'Shipment Out For Delivery',
  'Delivery Attempt Failed',
  'Return To Origin Started',
  'Return Requested',
  'Shipment Delayed',
  'Address Confirmation Requested',
];

/**
 * The order lifecycle: the orders table, the queue that buffers intake events, the function that
 * applies them (newest version wins, mode and kill switch decide the route), the workflow, the
 * legacy hand-off queue and the status API.
 */
export class OrdersStack extends Stack {
  public readonly ordersTable: dynamodb.Table;
  public readonly opsTasksTable: dynamodb.Table;
  public readonly orderLifecycle: sfn.StateMachine;
  public readonly intake: EventRuleToQueue;
  public readonly legacyHandoff: DurableQueue;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.ordersTable = new DataTable(this, 'Orders', { tableName: ordersTableName(config.name), protectData: config.protectData }).table;

    const validateOrder = new ServiceFunction(this, 'ValidateOrder', {
      entry: 'lambdas/orders/validate-order.ts',
      serviceName: 'orders',
      description: 'Order lifecycle step: checks an order against the business rules',
      logRetentionDays: config.logRetentionDays,
    });

    // Failures the workflow cannot get past wait here for a person: listed by brand and by age.
    this.opsTasksTable = new DataTable(this, 'OpsTasks', {
      tableName: opsTasksTableName(config.name),
      protectData: config.protectData,
      indexes: [
        { indexName: 'openByAge', partitionKey: { name: 'openQueue', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'openedAt', type: dynamodb.AttributeType.STRING } },
        { indexName: 'openByBrand', partitionKey: { name: 'openBrand', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'openedAt', type: dynamodb.AttributeType.STRING } },
      ],
    }).table;
    const opsTasksEnvironment = { OPS_TASKS_TABLE_NAME: this.opsTasksTable.tableName };
    const openOpsTask = new ServiceFunction(this, 'OpenOpsTask', {
      entry: 'lambdas/orders/open-ops-task.ts',
      serviceName: 'orders',
      description: 'Order lifecycle step: opens an ops task for a failure, with context and suggested actions, and parks the execution on it',
      logRetentionDays: config.logRetentionDays,
      environment: opsTasksEnvironment,
    });
    // Only the table itself: table.grant would add its index ARNs, which a put never touches.
    openOpsTask.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.opsTasksTable.tableArn] }));

    // COD orders to risky destinations wait for the customer's answer; the answer route is below, with the status routes.
    const trackingKeyName = `order-automation/${config.name}/tracking-link-key`;
    const requestAddressConfirmation = new ServiceFunction(this, 'RequestAddressConfirmation', {
      entry: 'lambdas/orders/request-address-confirmation.ts',
      serviceName: 'orders',
      description: 'Order lifecycle step: parks the execution on a COD order and publishes Address Confirmation Requested with a signed reply link',
      logRetentionDays: config.logRetentionDays,
      environment: { ORDERS_TABLE_NAME: this.ordersTable.tableName, EVENT_BUS_NAME: props.bus.eventBusName, TRACKING_LINK_KEY_SECRET: trackingKeyName },
    });
    requestAddressConfirmation.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [this.ordersTable.tableArn] }));
    grantPutEventsAsSource(requestAddressConfirmation.role, props.bus, props.ordersEventSource);

    const workflowLogs = new logs.LogGroup(this, 'OrderLifecycleLogs', {
      // Vended-log group names for Step Functions must start with /aws/vendedlogs/ to avoid the resource-policy size limit.
      logGroupName: `/aws/vendedlogs/states/order-lifecycle-${config.name}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.orderLifecycle = new sfn.StateMachine(this, 'OrderLifecycle', {
      stateMachineName: orderLifecycleName(config.name),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile('statemachines/order-lifecycle.asl.json'),
      definitionSubstitutions: {
        OrdersTableName: this.ordersTable.tableName,
        ValidateOrderFunctionArn: validateOrder.function.functionArn,
        ReserveStockFunctionArn: props.reserveStock.functionArn,
        ReleaseStockFunctionArn: props.releaseStock.functionArn,
        SubmitToErpFunctionArn: props.submitToErp.functionArn,
        CreateWmsShipmentsFunctionArn: props.createWmsShipments.functionArn,
        CancelHandOffFunctionArn: props.cancelHandOff.functionArn,
        AwaitShipmentFunctionArn: props.awaitShipment.functionArn,
        OpenOpsTaskFunctionArn: openOpsTask.function.functionArn,
        RequestAddressConfirmationFunctionArn: requestAddressConfirmation.function.functionArn,
        EventBusName: props.bus.eventBusName,
        OrdersEventSource: props.ordersEventSource,
      },
      tracingEnabled: true,
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const workflowRole = this.orderLifecycle.role;
    workflowRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [this.ordersTable.tableArn],
      }),
    );
    validateOrder.function.grantInvoke(workflowRole);
    openOpsTask.function.grantInvoke(workflowRole);
    requestAddressConfirmation.function.grantInvoke(workflowRole);
    // The workflow invokes these unqualified, so the exact ARNs suffice (grantInvoke would add versions and aliases).
    workflowRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.reserveStock.functionArn, props.releaseStock.functionArn, props.submitToErp.functionArn, props.createWmsShipments.functionArn, props.cancelHandOff.functionArn, props.awaitShipment.functionArn],
      }),
    );
    grantPutEventsAsSource(workflowRole, props.bus, props.ordersEventSource);
    Validations.of(workflowRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Log delivery (logs:*LogDelivery*, DescribeResourcePolicies) and X-Ray APIs support no resource-level permissions',
    });
    Validations.of(workflowRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(validateOrder.function.node.defaultChild as never)}.Arn>:*]`,
      reason: 'grantInvoke also allows the function\'s versions and aliases (ARN suffix :*), which Lambda invoke may target',
    });
    for (const invoked of [openOpsTask, requestAddressConfirmation]) {
      Validations.of(workflowRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(invoked.function.node.defaultChild as never)}.Arn>:*]`,
        reason: 'grantInvoke also allows the function\'s versions and aliases (ARN suffix :*), which Lambda invoke may target',
      });
    }

    // The old process consumes this queue; legacy-mode orders (and shadow ones, for comparison) go here.
    this.legacyHandoff = new DurableQueue(this, 'LegacyHandoff', { visibilityTimeout: Duration.minutes(5), maxReceiveCount: 10 });

    this.intake = new EventRuleToQueue(this, 'OrderEvents', {
      bus: props.bus,
      description: 'Order and payment events → the function that applies them (the queue absorbs bursts)',
      eventPattern: { source: [props.intakeEventSource, props.ordersEventSource, props.inventoryEventSource, props.fulfilmentEventSource], detailType: APPLIED_EVENTS },
      visibilityTimeout: Duration.seconds(60),
      maxReceiveCount: 5,
    });

    const applyOrderEvent = new ServiceFunction(this, 'ApplyOrderEvent', {
      entry: 'lambdas/orders/apply-order-event.ts',
      serviceName: 'orders',
      description: 'Applies order and payment events (newest wins), routes new orders by mode and kill switch, starts one execution per order',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(10),
      environment: {
        ORDERS_TABLE_NAME: this.ordersTable.tableName,
        CONFIG_TABLE_NAME: props.configTable.tableName,
        ORDER_LIFECYCLE_STATE_MACHINE_ARN: this.orderLifecycle.stateMachineArn,
        LEGACY_HANDOFF_QUEUE_URL: this.legacyHandoff.queue.queueUrl,
      },
    });
    this.ordersTable.grantReadWriteData(applyOrderEvent.role);
    props.configTable.grantReadData(applyOrderEvent.role);
    this.legacyHandoff.queue.grantSendMessages(applyOrderEvent.role);
    this.orderLifecycle.grantStartExecution(applyOrderEvent.role);
    applyOrderEvent.function.addEventSource(
      new SqsEventSource(this.intake.queue.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        // The burst buffer: however fast webhooks arrive, at most this many batches reach the workflow at once.
        maxConcurrency: Math.max(2, config.starterMaxConcurrency),
        reportBatchItemFailures: true,
      }),
    );

    const trackingKey = new secretsmanager.Secret(this, 'TrackingLinkKey', {
      secretName: trackingKeyName,
      description: 'HMAC key that signs customer order-tracking links; rotating it invalidates links already sent',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(trackingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the tracking-link key breaks every link already sent to customers, so it is rotated by hand after a notice period',
    });

    const statusEnvironment = {
      ORDERS_TABLE_NAME: this.ordersTable.tableName,
      TRACKING_LINK_KEY_SECRET: trackingKey.secretName,
    };
    const getOrderStatus = new ServiceFunction(this, 'GetOrderStatus', {
      entry: 'lambdas/orders/get-order-status.ts',
      serviceName: 'orders',
      description: 'GET /orders/{brand}/{orderId} for ops: the canonical order, its state and its timeline',
      logRetentionDays: config.logRetentionDays,
      environment: statusEnvironment,
    });
    const trackOrder = new ServiceFunction(this, 'TrackOrder', {
      entry: 'lambdas/orders/track-order.ts',
      serviceName: 'orders',
      description: 'GET /track/{token} for customers: one order, minimal personal data, behind a signed link',
      logRetentionDays: config.logRetentionDays,
      environment: statusEnvironment,
    });
    for (const fn of [getOrderStatus, trackOrder]) {
      this.ordersTable.grantReadData(fn.role);
      trackingKey.grantRead(fn.role);
    }

    // Routes live in this stack, not the API's, so that Intake never depends on a context behind it (no cycles as contexts add routes).
    new apigw.HttpRoute(this, 'OrderStatusRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/orders/{brand}/{orderId}', apigw.HttpMethod.GET),
      integration: new HttpLambdaIntegration('GetOrderStatusIntegration', getOrderStatus.function),
      authorizer: new HttpIamAuthorizer(),
    });
    const trackRoute = new apigw.HttpRoute(this, 'TrackOrderRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/track/{token}', apigw.HttpMethod.GET),
      integration: new HttpLambdaIntegration('TrackOrderIntegration', trackOrder.function),
    });
    Validations.of(trackRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Customers open tracking links without an account; the token in the path is an HMAC-signed, expiring capability for one order, verified in the function',
    });

    // The customer's answer to an address confirmation (posted by the WhatsApp channel or the page below); the signed token is the capability.
    trackingKey.grantRead(requestAddressConfirmation.role);
    const answerAddressConfirmation = new ServiceFunction(this, 'AnswerAddressConfirmation', {
      entry: 'lambdas/orders/answer-address-confirmation.ts',
      serviceName: 'orders',
      description: 'POST /address-confirmations/{token}: the customer confirms, corrects or cancels a COD order\'s address; resumes the execution',
      logRetentionDays: config.logRetentionDays,
      environment: statusEnvironment,
    });
    answerAddressConfirmation.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [this.ordersTable.tableArn] }));
    trackingKey.grantRead(answerAddressConfirmation.role);
    answerAddressConfirmation.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.orderLifecycle.stateMachineArn] }));
    const answerRoute = new apigw.HttpRoute(this, 'AddressConfirmationRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/address-confirmations/{token}', apigw.HttpMethod.POST),
      integration: new HttpLambdaIntegration('AnswerAddressConfirmationIntegration', answerAddressConfirmation.function),
    });
    Validations.of(answerRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Customers answer without an account; the token in the path is an HMAC-signed, two-day capability for one order\'s confirmation (a key derived apart from tracking links), verified in the function',
    });

    // The page behind the link in the question: a tapped link is a GET. Read-only; its forms post to the route above.
    const showAddressConfirmation = new ServiceFunction(this, 'ShowAddressConfirmation', {
      entry: 'lambdas/orders/show-address-confirmation.ts',
      serviceName: 'orders',
      description: 'GET /address-confirmations/{token}: the customer\'s page for confirming, correcting or cancelling a COD order\'s address, in their language',
      logRetentionDays: config.logRetentionDays,
      environment: statusEnvironment,
    });
    showAddressConfirmation.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.ordersTable.tableArn] }));
    trackingKey.grantRead(showAddressConfirmation.role);
    const pageRoute = new apigw.HttpRoute(this, 'AddressConfirmationPageRoute', {
      httpApi: props.api,
      routeKey: apigw.HttpRouteKey.with('/address-confirmations/{token}', apigw.HttpMethod.GET),
      integration: new HttpLambdaIntegration('ShowAddressConfirmationIntegration', showAddressConfirmation.function),
    });
    Validations.of(pageRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Customers open the address-confirmation link from WhatsApp or email without an account; the token in the path is the same HMAC-signed, two-day capability the answer route checks, verified in the function',
    });

    // Ops resolve escalated failures here (or with `npm run ops -- tasks` / `resolve`): IAM-authorized like the status route.
    const opsTasksApi = new ServiceFunction(this, 'OpsTasksApi', {
      entry: 'lambdas/orders/ops-tasks-api.ts',
      serviceName: 'orders',
      description: 'GET /ops/tasks, GET /ops/tasks/{taskId}, POST /ops/tasks/{taskId}/resolve: lists open ops tasks and resumes the order with ops\' decision',
      logRetentionDays: config.logRetentionDays,
      environment: opsTasksEnvironment,
    });
    this.opsTasksTable.grant(opsTasksApi.role, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem');
    Validations.of(opsTasksApi.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.opsTasksTable.node.defaultChild as never)}.Arn>/index/*]`,
      reason: 'Lists open tasks through the ops-tasks table\'s own indexes (openByAge, openByBrand); index ARNs exist only under the table ARN',
    });
    opsTasksApi.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.orderLifecycle.stateMachineArn] }));
    const opsIntegration = new HttpLambdaIntegration('OpsTasksIntegration', opsTasksApi.function);
    for (const [id, path, method] of [
      ['OpsTasksListRoute', '/ops/tasks', apigw.HttpMethod.GET],
      ['OpsTaskRoute', '/ops/tasks/{taskId}', apigw.HttpMethod.GET],
      ['OpsTaskResolveRoute', '/ops/tasks/{taskId}/resolve', apigw.HttpMethod.POST],
    ] as const) {
      new apigw.HttpRoute(this, id, { httpApi: props.api, routeKey: apigw.HttpRouteKey.with(path, method), integration: opsIntegration, authorizer: new HttpIamAuthorizer() });
    }
  }
}
