/**
 * Calls what a Task state's resource names, through the local cloud's services, and turns
 * failures into the error names AWS gives them so Retry and Catch match the same way.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, type LambdaInvoker } from '../contracts.ts';
import { StatesRuntimeError, TaskFailure } from './errors.ts';
import { ERROR_PREFIX, type TaskResource } from './resources.ts';

export interface TaskIntegrations {
  /** lambda:invoke and bare Lambda ARNs */
  invokeLambda: LambdaInvoker['invoke'];
  /**
   * Direct service integrations: service is 'dynamodb' | 'events' | 'sqs' (from
   * arn:aws:states:::<service>:<action>), action e.g. 'putItem', 'updateItem', 'getItem',
   * 'deleteItem', 'putEvents', 'sendMessage'. params are the evaluated Parameters with PascalCase
   * keys as in the AWS API. Throw AwsServiceError(code) on failure.
   */
  callService(service: string, action: string, params: Record<string, unknown>): Promise<unknown>;
}

/** Runs the call a task makes. For a callback task this is only the hand-off that carries the token. */
export async function callResource(
  resource: TaskResource,
  params: unknown,
  integrations: TaskIntegrations,
): Promise<unknown> {
  switch (resource.kind) {
    case 'lambda-function':
      return invokeFunction(resource.functionArn, params, integrations);
    case 'lambda-invoke': {
      const { FunctionName, Payload } = asRecord(params, resource.resource);
      if (typeof FunctionName !== 'string') {
        throw new StatesRuntimeError(`${resource.resource} needs Parameters.FunctionName`);
      }
      const payload = await invokeFunction(FunctionName, Payload ?? {}, integrations);
      return {
        ExecutedVersion: '$LATEST',
        Payload: payload,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: randomUUID() },
        StatusCode: 200,
      };
    }
    case 'service': {
      const prefix = ERROR_PREFIX[resource.service];
      let result: unknown;
      try {
        result = await integrations.callService(resource.service, resource.action, asRecord(params, resource.resource));
      } catch (error) {
        throw namedFailure(prefix, error);
      }
      if (resource.service === 'events' && failedEntryCount(result) > 0) {
        // PutEvents answers 200 even when entries were refused; Step Functions fails the task.
        throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(result));
      }
      return result;
    }
  }
}

async function invokeFunction(functionArnOrName: string, event: unknown, integrations: TaskIntegrations): Promise<unknown> {
  let outcome;
  try {
    outcome = await integrations.invokeLambda(functionArnOrName, event);
  } catch (error) {
    throw namedFailure(ERROR_PREFIX.lambda, error);
  }
  if (outcome.ok) return outcome.payload;
  const { errorType, errorMessage, trace = [] } = outcome;
  throw new TaskFailure(errorType, JSON.stringify({ errorMessage, errorType, trace }));
}

function namedFailure(prefix: string, error: unknown): TaskFailure {
  if (error instanceof AwsServiceError) return new TaskFailure(`${prefix}.${error.code}`, `${error.message} (Service: ${prefix}, Status Code: ${error.statusCode}, Error Code: ${error.code})`);
  return new TaskFailure(`${prefix}.AWSException`, error instanceof Error ? error.message : String(error));
}

function failedEntryCount(result: unknown): number {
  const count = typeof result === 'object' && result !== null ? (result as { FailedEntryCount?: unknown }).FailedEntryCount : 0;
  return typeof count === 'number' ? count : 0;
}

function asRecord(params: unknown, resource: string): Record<string, unknown> {
  if (typeof params === 'object' && params !== null && !Array.isArray(params)) return params as Record<string, unknown>;
  throw new StatesRuntimeError(`${resource} needs an object as Parameters`);
}
