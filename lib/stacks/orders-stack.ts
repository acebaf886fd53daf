import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import { EventRuleToQueue } from '../constructs/event-rule-to-queue.ts';
import { grantPutEventsAsSource } from '../constructs/event-publishing.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface OrdersStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bus: events.IEventBus;
  /** Must equal EVENT_SOURCES.intake in lambdas/shared/events.ts. */
  readonly intakeEventSource: string;
  /** Must equal EVENT_SOURCES.orders in lambdas/shared/events.ts. */
  readonly ordersEventSource: string;
}

/** The order lifecycle: orders table, the queue that buffers Order Received, the starter and the workflow. */
export class OrdersStack extends Stack {
  public readonly ordersTable: dynamodb.Table;
  public readonly orderLifecycle: sfn.StateMachine;
  public readonly intake: EventRuleToQueue;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.ordersTable = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: config.protectData,
      removalPolicy: config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const validateOrder = new ServiceFunction(this, 'ValidateOrder', {
      entry: 'lambdas/orders/validate-order.ts',
      serviceName: 'orders',
      description: 'Order lifecycle step: checks an order against the business rules',
      logRetentionDays: config.logRetentionDays,
    });

    const workflowLogs = new logs.LogGroup(this, 'OrderLifecycleLogs', {
      // Vended-log group names for Step Functions must start with /aws/vendedlogs/ to avoid the resource-policy size limit.
      logGroupName: `/aws/vendedlogs/states/order-lifecycle-${config.name}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.orderLifecycle = new sfn.StateMachine(this, 'OrderLifecycle', {
      stateMachineName: `order-lifecycle-${config.name}`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile('statemachines/order-lifecycle.asl.json'),
      definitionSubstitutions: {
        OrdersTableName: this.ordersTable.tableName,
        ValidateOrderFunctionArn: validateOrder.function.functionArn,
        EventBusName: props.bus.eventBusName,
        OrdersEventSource: props.ordersEventSource,
      },
      tracingEnabled: true,
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const workflowRole = this.orderLifecycle.role;
    workflowRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.ordersTable.tableArn],
      }),
    );
    validateOrder.function.grantInvoke(workflowRole);
    grantPutEventsAsSource(workflowRole, props.bus, props.ordersEventSource);
    Validations.of(workflowRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Log delivery (logs:*LogDelivery*, DescribeResourcePolicies) and X-Ray APIs support no resource-level permissions',
    });
    Validations.of(workflowRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(validateOrder.function.node.defaultChild as never)}.Arn>:*]`,
      reason: 'grantInvoke also allows the function\'s versions and aliases (ARN suffix :*), which Lambda invoke may target',
    });

    this.intake = new EventRuleToQueue(this, 'OrderReceived', {
      bus: props.bus,
      description: 'Order Received → the order-lifecycle starter (the queue absorbs bursts)',
      eventPattern: { source: [props.intakeEventSource], detailType: ['Order Received'] },
      visibilityTimeout: Duration.seconds(60),
      maxReceiveCount: 5,
    });

    const starter = new ServiceFunction(this, 'StartOrderLifecycle', {
      entry: 'lambdas/orders/start-order-lifecycle.ts',
      serviceName: 'orders',
      description: 'Starts one order-lifecycle execution per order, named <brand>-<orderId>',
      logRetentionDays: config.logRetentionDays,
      timeout: Duration.seconds(10),
      environment: { ORDER_LIFECYCLE_STATE_MACHINE_ARN: this.orderLifecycle.stateMachineArn },
    });
    this.orderLifecycle.grantStartExecution(starter.role);
    starter.function.addEventSource(
      new SqsEventSource(this.intake.queue.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        maxConcurrency: Math.max(2, config.starterMaxConcurrency),
        reportBatchItemFailures: true,
      }),
    );
  }
}
