import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface DataTableProps {
  /** Physical name; set it when tools outside the stack (the ops CLI) must find the table. @default generated */
  readonly tableName?: string;
  /** @default { name: 'pk', type: STRING } */
  readonly partitionKey?: dynamodb.Attribute;
  /** @default { name: 'sk', type: STRING }; `null` for a table with a partition key only */
  readonly sortKey?: dynamodb.Attribute | null;
  /** Attribute DynamoDB deletes items by. @default none */
  readonly timeToLiveAttribute?: string;
  /** Deletion protection and RETAIN on stack deletion (staging, prod). */
  readonly protectData: boolean;
  /** Global secondary indexes, on-demand like the table. @default none */
  readonly indexes?: readonly dynamodb.GlobalSecondaryIndexProps[];
}

/**
 * The one way this app makes a DynamoDB table: on-demand, point-in-time recovery, encrypted with
 * an AWS-managed key, and protected from deletion outside dev.
 */
export class DataTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: props.partitionKey ?? { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: props.sortKey === null ? undefined : (props.sortKey ?? { name: 'sk', type: dynamodb.AttributeType.STRING }),
      timeToLiveAttribute: props.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.protectData,
      removalPolicy: props.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of props.indexes ?? []) this.table.addGlobalSecondaryIndex(index);
  }
}

/** Physical names of tables the ops CLI reads and writes, shared by the stacks and the CLI. */
export const configTableName = (environment: string) => `order-automation-${environment}-config`;
export const ordersTableName = (environment: string) => `order-automation-${environment}-orders`;
export const inventoryTableName = (environment: string) => `order-automation-${environment}-inventory`;
export const rtoStatsTableName = (environment: string) => `order-automation-${environment}-rto-stats`;
export const shipmentsTableName = (environment: string) => `order-automation-${environment}-shipments`;
export const notificationsTableName = (environment: string) => `order-automation-${environment}-notifications`;
export const opsTasksTableName = (environment: string) => `order-automation-${environment}-ops-tasks`;
