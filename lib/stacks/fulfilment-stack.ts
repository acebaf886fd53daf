import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import { DataTable, rtoStatsTableName } from '../constructs/data-table.ts';

export interface FulfilmentStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * Getting orders to the customer: what routing learns from deliveries (return-to-origin counters
 * per pincode, district, state and country). The ERP and WMS hand-offs and shipment tracking
 * join this stack as they are built.
 */
export class FulfilmentStack extends Stack {
  public readonly rtoStatsTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: FulfilmentStackProps) {
    super(scope, id, props);
    this.rtoStatsTable = new DataTable(this, 'RtoStats', { tableName: rtoStatsTableName(props.config.name), protectData: props.config.protectData }).table;
  }
}
