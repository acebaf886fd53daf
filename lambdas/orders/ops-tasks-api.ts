import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { requiredEnv } from '#shared/environment';
import { jsonReply, parseJsonBody } from '#shared/http-reply';
import { logger } from '#shared/observability';
import { OpsTasksTable } from './adapters/ops-tasks-table.ts';
import { OPS_ACTIONS } from './domain/ops-task.ts';
import { OpsTasks } from './ops-tasks.ts';

const table = new OpsTasksTable(requiredEnv('OPS_TASKS_TABLE_NAME'));
const tasks = new OpsTasks(table);

const ResolveSchema = z.object({ action: z.enum(OPS_ACTIONS), note: z.string().max(2000).default('') });

/**
 * The ops task API, behind IAM authorization (ops only):
 * - `GET /ops/tasks[?brand=…&limit=…]`: open tasks, oldest first, of one brand or all;
 * - `GET /ops/tasks/{taskId}`: one task;
 * - `POST /ops/tasks/{taskId}/resolve` `{ action: retry|cancel|done, note? }`: resumes the
 *   order's execution with the decision. 404 unknown task, 409 already resolved, 410 the
 *   execution no longer waits, 400 a decision the task does not allow.
 */
export async function handler(event: APIGatewayProxyEventV2WithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  const taskId = event.pathParameters?.taskId;
  if (event.requestContext.http.method === 'GET') {
    if (taskId) {
      const stored = await table.get(taskId);
      if (!stored) return jsonReply(404, { error: 'task_not_found', message: `no ops task ${taskId}` });
      const { taskToken: _token, ...task } = stored;
      return jsonReply(200, task);
    }
    const limit = Number(event.queryStringParameters?.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return jsonReply(400, { error: 'invalid_limit', message: 'limit must be a whole number from 1 to 500' });
    return jsonReply(200, { tasks: await table.listOpen({ brand: event.queryStringParameters?.brand, limit }) });
  }

  const parsed = parseJsonBody(event.body, ResolveSchema, 'invalid_decision');
  if (!parsed.ok) return parsed.reply;
  const by = event.requestContext.authorizer?.iam?.userArn ?? 'unknown';
  logger.appendKeys({ taskId, action: parsed.data.action, by });
  const result = await tasks.resolve(taskId ?? '', parsed.data.action, parsed.data.note, by, new Date());
  logger.info('ops decision', { outcome: result.outcome });
  switch (result.outcome) {
    case 'resolved':
      return jsonReply(200, result.task);
    case 'not-found':
      return jsonReply(404, { error: 'task_not_found', message: `no ops task ${taskId}` });
    case 'refused':
      return jsonReply(400, { error: 'action_not_allowed', message: result.reason });
    case 'already-closed':
      return jsonReply(409, { error: 'already_resolved', message: `task ${taskId} is ${result.task.status}`, task: result.task });
    case 'superseded':
      return jsonReply(410, { error: 'execution_not_waiting', message: 'the order\'s execution no longer waits for this task (stopped or timed out); nothing was resumed', task: result.task });
  }
}
