/**
 * The seams between the local cloud's emulated services. Each service is built on its own and
 * wired together by `cloud.ts`, so every service depends only on these narrow interfaces.
 */

/** The account and region every local ARN uses. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'ap-south-1';

/**
 * An error answered in the AWS JSON protocol shape: HTTP status plus `{ "__type": code, "message" }`.
 * The SDK v3 turns `code` into the exception's `name`, so callers see `ResourceNotFoundException` etc.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * A service reached through the one local endpoint. A request with header
 * `X-Amz-Target: <targetPrefix>.<Operation>` is routed to `handle(operation, parsedJsonBody)`.
 * Return the JSON response body; throw `AwsServiceError` for protocol errors.
 */
export interface JsonProtocolService {
  /** For example `AWSEvents`, `AWSStepFunctions`, `AmazonSQS`, `secretsmanager`. */
  readonly targetPrefix: string;
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/**
 * Time as the local cloud sees it. `speed` > 1 makes waits (retry backoff, visibility timeouts,
 * task-token timeouts) pass faster than real time, so tests of long timeouts stay quick.
 */
export interface Clock {
  /** Milliseconds since the epoch, in local-cloud time. */
  now(): number;
  /** Resolves after `ms` of local-cloud time. */
  sleep(ms: number): Promise<void>;
  /** Runs `fn` after `ms` of local-cloud time; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export function createClock(speed = 1): Clock {
  if (!(speed > 0)) throw new Error(`clock speed must be > 0, received ${speed}`);
  const startReal = Date.now();
  return {
    now: () => startReal + (Date.now() - startReal) * speed,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / speed))),
    setTimer: (fn, ms) => {
      const handle = setTimeout(fn, Math.max(0, ms / speed));
      return () => clearTimeout(handle);
    },
  };
}

/** Where the local cloud writes what it does; the default prints one line per entry. */
export interface LocalLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: LocalLogger = { info() {}, warn() {}, error() {} };

/** The outcome of one synchronous Lambda invocation, as the Invoke API reports it. */
export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | {
      readonly ok: false;
      /** The handler's error name (`errorType`), or `Sandbox.Timedout` when it ran out of time. */
      readonly errorType: string;
      readonly errorMessage: string;
      readonly trace?: readonly string[];
    };

/** Invokes a local function by ARN or name, synchronously (RequestResponse). */
export interface LambdaInvoker {
  invoke(functionArnOrName: string, event: unknown): Promise<InvokeResult>;
}

/**
 * Delivers a message to any ARN the app targets (an SQS queue, a Lambda function, a state
 * machine). Resolves when the target accepted it; rejects when it did not, so the caller can
 * retry and then dead-letter.
 */
export interface TargetDelivery {
  deliver(targetArn: string, body: string, attributes?: Record<string, string>): Promise<void>;
}

export function arnService(arn: string): string {
  const service = arn.split(':')[2];
  if (!service) throw new Error(`not an ARN: ${arn}`);
  return service;
}

/** The last segment of an ARN's resource part: a queue, function, bus or state machine name. */
export function arnResourceName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const afterType = resource.includes('/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource;
  // lambda and states ARNs are `function:NAME` / `stateMachine:NAME`
  const parts = afterType.split(':');
  return arn.split(':')[2] === 'lambda' || arn.split(':')[2] === 'states' ? (parts[1] ?? parts[0]!) : afterType;
}
