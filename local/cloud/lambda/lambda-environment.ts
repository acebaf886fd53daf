import { randomBytes } from 'node:crypto';
import { LOCAL_REGION } from '../contracts.ts';

/** Credentials every local function gets, so the SDK signs requests to the local endpoint. */
export const LOCAL_FUNCTION_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'LOCALCLOUDACCESSKEY',
  AWS_SECRET_ACCESS_KEY: 'local-cloud-secret-access-key',
  AWS_SESSION_TOKEN: 'local-cloud-session-token',
} as const;

export interface FunctionIdentity {
  readonly functionName: string;
  readonly assetDir: string;
  readonly handler: string;
  readonly memorySizeMb: number;
}

export function logGroupNameOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** A stream name shaped like Lambda's: one per execution environment. */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The `process.env` of one execution environment: the variables the Lambda runtime sets, then the
 * function's own, which win where they overlap.
 */
export function lambdaEnvironment(
  fn: FunctionIdentity,
  logStreamName: string,
  environment: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...(process.env.PATH === undefined ? {} : { PATH: process.env.PATH }),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupNameOf(fn.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: fn.assetDir,
    _HANDLER: fn.handler,
    ...LOCAL_FUNCTION_CREDENTIALS,
    ...environment,
  };
}
