import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type BillingMode,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

export interface TableProperties {
  readonly KeySchema: KeySchemaElement[];
  readonly AttributeDefinitions: AttributeDefinition[];
  readonly BillingMode?: BillingMode;
  readonly GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  readonly TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

/** Creates a table in DynamoDB Local exactly as the template declares it. */
export async function createTableFromTemplate(client: DynamoDBClient, tableName: string, properties: TableProperties): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: properties.KeySchema,
      AttributeDefinitions: properties.AttributeDefinitions,
      BillingMode: properties.BillingMode ?? 'PROVISIONED',
      ...(properties.BillingMode === 'PAY_PER_REQUEST' ? {} : { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
      GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes,
    }),
  );
  if (properties.TimeToLiveSpecification?.Enabled) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: properties.TimeToLiveSpecification }));
  }
}
