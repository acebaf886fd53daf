import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { startDynamoDbLocal, type RunningDynamoDb } from '../../local/cloud/dynamodb/dynamodb-local.ts';
import { createTableFromTemplate, type TableProperties } from '../../local/cloud/dynamodb/tables.ts';
import { LOCAL_CLIENT_CONFIG } from './local-cloud.ts';

/**
 * Starts DynamoDB Local for one test file with one table, and stops it after; `client()` is ready
 * inside tests and hooks declared after this call.
 */
export function useDynamoDbLocalTable(tableName: string, schema: TableProperties): { client: () => DynamoDBClient } {
  let dynamo: RunningDynamoDb | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    await createTableFromTemplate(client, tableName, schema);
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });
  return {
    client: () => {
      if (!client) throw new Error('DynamoDB Local is not started yet; use client() inside a test or a later hook');
      return client;
    },
  };
}
