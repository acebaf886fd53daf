import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments.ts';
import { configTableName, DataTable } from '../constructs/data-table.ts';

export interface PlatformStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** What every context shares: the event bus and its archive, and the config table (modes, kill switch). */
export class PlatformStack extends Stack {
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly configTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `order-automation-${props.config.name}`,
      description: 'Every state change of every order, as events',
    });
    // An archive created this way gets a managed rule that excludes replayed events, so a replay
    // never archives the same event twice.
    this.archive = this.bus.archive('Archive', {
      archiveName: `order-automation-${props.config.name}`,
      description: 'Every event on the bus, kept for replay after a failure',
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(props.config.archiveRetentionDays),
    });
    // Named, because the ops CLI flips modes and the kill switch without reading stack outputs.
    this.configTable = new DataTable(this, 'Config', {
      tableName: configTableName(props.config.name),
      protectData: props.config.protectData,
    }).table;
  }
}
