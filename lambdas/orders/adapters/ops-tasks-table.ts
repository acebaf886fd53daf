import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Escalation, OpsAction } from '../domain/ops-task.ts';

export interface OpsTask extends Escalation {
  readonly taskId: string;
  readonly brand: string;
  readonly orderId: string;
  readonly executionName: string;
  readonly openedAt: string;
  readonly status: 'OPEN' | 'RESOLVED' | 'SUPERSEDED';
  readonly resolution?: { readonly action: OpsAction; readonly note?: string; readonly by: string; readonly at: string };
}

/** A task as stored: with the token that resumes the execution, which never leaves this table. */
export interface StoredOpsTask extends OpsTask {
  readonly taskToken: string;
}

/** Index of open tasks, oldest first; the attribute goes when the task is resolved, so only open ones are in it. */
export const OPEN_BY_AGE_INDEX = 'openByAge';
/** Index of a brand's open tasks, oldest first. */
export const OPEN_BY_BRAND_INDEX = 'openByBrand';
const OPEN = 'OPEN';

const key = (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' });

export class OpsTasksTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Records a new open task; the same task opened again (a retried step) changes nothing. */
  async open(task: StoredOpsTask): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(task.taskId), ...task, openQueue: OPEN, openBrand: task.brand },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(taskId: string): Promise<StoredOpsTask | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key(taskId), ConsistentRead: true }));
    return Item ? toTask(Item) : undefined;
  }

  /** Open tasks, oldest first, of one brand or of all; without their tokens. */
  async listOpen(options: { brand?: string; limit?: number } = {}): Promise<OpsTask[]> {
    const byBrand = options.brand !== undefined;
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: byBrand ? OPEN_BY_BRAND_INDEX : OPEN_BY_AGE_INDEX,
        KeyConditionExpression: byBrand ? 'openBrand = :key' : 'openQueue = :key',
        ExpressionAttributeValues: { ':key': byBrand ? options.brand : OPEN },
        ScanIndexForward: true,
        Limit: options.limit ?? 100,
      }),
    );
    return Items.map((item) => {
      const { taskToken: _token, ...task } = toTask(item);
      return task;
    });
  }

  /** Closes an open task with `status`; false when it was no longer open. */
  async close(taskId: string, status: 'RESOLVED' | 'SUPERSEDED', resolution: OpsTask['resolution']): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(taskId),
          UpdateExpression: 'SET #status = :status, resolution = :resolution REMOVE openQueue, openBrand',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':resolution': resolution, ':open': OPEN },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toTask(item: Record<string, unknown>): StoredOpsTask {
  const { pk: _pk, sk: _sk, openQueue: _queue, openBrand: _brand, ...task } = item;
  return task as unknown as StoredOpsTask;
}
