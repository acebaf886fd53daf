import { randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  arnResourceName,
  createClock,
  type Clock,
  type InvokeResult,
  type LambdaInvoker,
  type LocalLogger,
} from '../contracts.ts';
import { runAsyncInvocation, type AsyncInvokeOptions } from './async-invocation.ts';
import { createFunctionLogSink, type FunctionLogSink } from './function-log.ts';
import { FunctionPool } from './function-pool.ts';
import { FunctionWorker } from './function-worker.ts';
import { findHandlerFile, parseHandlerSetting } from './handler-file.ts';
import { lambdaEnvironment, logGroupNameOf, newLogStreamName } from './lambda-environment.ts';

export interface LocalLambdaRuntimeOptions {
  readonly logger: LocalLogger;
  /** When set, each function's output is appended to `<logDir>/<functionName>.log`. */
  readonly logDir?: string;
  /** Drives the waits between event-invocation retries. */
  readonly clock?: Clock;
  /**
   * Waits before the first and second retry of an event invocation. Lambda waits about one and
   * two minutes; locally the default is a second and two.
   */
  readonly asyncRetryDelaysMs?: readonly number[];
}

export interface LocalFunctionDefinition {
  /** The template's logical id, named in configuration errors. */
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn?: string;
  /** The bundled asset folder in `cdk.out`. */
  readonly assetDir: string;
  /** The template's `Handler`, for example `index.handler`. */
  readonly handler: string;
  /** The template's environment with intrinsics already resolved to local values. */
  readonly environment: Readonly<Record<string, string>>;
  /** Lambda's `Timeout`, 3 by default. Fractions are allowed locally to keep tests fast. */
  readonly timeoutSeconds?: number;
  readonly memorySizeMb?: number;
  /** Workers that may run at once; from `ReservedConcurrentExecutions` when set, otherwise 10. */
  readonly maxConcurrency?: number;
}

export interface RegisteredFunction {
  readonly functionName: string;
  readonly arn: string;
}

interface LocalFunction extends RegisteredFunction {
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly pool: FunctionPool;
  readonly sink: FunctionLogSink;
}

const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;
const DEFAULT_MAX_CONCURRENCY = 10;
/** Lambda gives a function's initialisation (module load) ten seconds. */
const INIT_TIMEOUT_MS = 10_000;
/** Lambda's limit on a synchronous request payload. */
const MAX_REQUEST_BYTES = 6_291_456;

/**
 * Runs the app's bundled functions on this machine, each in worker threads of its own with its
 * own `process.env`, and invokes them with Lambda's synchronous and event semantics.
 */
export class LocalLambdaRuntime implements LambdaInvoker {
  private readonly logger: LocalLogger;
  private readonly logDir: string | undefined;
  private readonly clock: Clock;
  private readonly asyncRetryDelaysMs: readonly number[];
  private readonly functions = new Map<string, LocalFunction>();
  private readonly asyncRuns = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();

  private readonly invocations = new Map<string, number>();
  /** Invocations handed to a worker and not yet answered. */
  private running = 0;
  /** Event invocations pausing on the clock between attempts. */
  private readonly pausing = { count: 0 };

  constructor(options: LocalLambdaRuntimeOptions) {
    this.logger = options.logger;
    this.logDir = options.logDir;
    this.clock = options.clock ?? createClock();
    this.asyncRetryDelaysMs = options.asyncRetryDelaysMs ?? [1_000, 2_000];
  }

  register(definition: LocalFunctionDefinition): RegisteredFunction {
    const fn = this.createFunction(definition);
    this.functions.set(fn.functionName, fn);
    return { functionName: fn.functionName, arn: fn.arn };
  }

  /** A synchronous (RequestResponse) invocation; resolves with the function's outcome. */
  async invoke(functionArnOrName: string, event: unknown): Promise<InvokeResult> {
    const fn = this.lookup(functionArnOrName);
    const eventJson = JSON.stringify(event) ?? 'null';
    if (Buffer.byteLength(eventJson) > MAX_REQUEST_BYTES) {
      throw new AwsServiceError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    return this.run(fn, functionArnOrName, eventJson);
  }

  /**
   * An event (asynchronous) invocation: accepted at once, then attempted in the background with
   * Lambda's retries, and finally handed to `onFailure` or `onSuccess`.
   */
  async invokeAsync(functionArnOrName: string, event: unknown, options: AsyncInvokeOptions = {}): Promise<void> {
    if (this.shutdown.signal.aborted) throw new Error('the local Lambda runtime is closed');
    const fn = this.lookup(functionArnOrName);
    const eventJson = JSON.stringify(event) ?? 'null';
    const parsedEvent: unknown = JSON.parse(eventJson);
    const onFailure =
      options.onFailure ??
      (async (_event, error) => this.logger.warn('lambda event invocation failed and has no destination', { functionName: fn.functionName, ...error }));
    const run = runAsyncInvocation({
      event: parsedEvent,
      attempt: () => this.run(fn, functionArnOrName, eventJson),
      options: { ...options, onFailure },
      retryDelaysMs: this.asyncRetryDelaysMs,
      clock: this.clock,
      pausing: this.pausing,
      signal: this.shutdown.signal,
      onDestinationError: (error) =>
        this.logger.error('lambda event invocation destination failed', { functionName: fn.functionName, error: String(error) }),
    });
    this.asyncRuns.add(run);
    void run.finally(() => this.asyncRuns.delete(run));
  }

  /** Cold-starts `count` workers of the function now, so its first invocations find them warm. */
  async warm(functionArnOrName: string, count = 1): Promise<void> {
    await this.lookup(functionArnOrName).pool.warm(count);
  }

  /** Event invocations not yet finished, retries and destinations included. */
  pendingAsyncInvocations(): number {
    return this.asyncRuns.size;
  }

  /**
   * Whether an invocation runs right now, synchronous or event, whoever started it, or an event
   * invocation is between steps; one that only waits on the clock for its next attempt is not.
   */
  hasRunnableWork(): boolean {
    return this.running > 0 || this.asyncRuns.size > this.pausing.count;
  }

  /** Resolves once every event invocation has finished, including those started meanwhile. */
  async idle(): Promise<void> {
    while (this.asyncRuns.size > 0) await Promise.allSettled([...this.asyncRuns]);
  }

  /** Stops every worker and abandons pending event retries. */
  async close(): Promise<void> {
    this.shutdown.abort();
    const closed = new Error('the local Lambda runtime is closed');
    const functions = [...this.functions.values()];
    await Promise.all(functions.map((fn) => fn.pool.close(closed)));
    await Promise.all([...this.asyncRuns]);
    await Promise.all(functions.map((fn) => fn.sink.close()));
  }

  /** Invocations started per function name (every attempt counts, as Lambda bills it), for benchmarks. */
  invocationCounts(): ReadonlyMap<string, number> {
    return this.invocations;
  }

  private run(fn: LocalFunction, functionArnOrName: string, eventJson: string): Promise<InvokeResult> {
    this.invocations.set(fn.functionName, (this.invocations.get(fn.functionName) ?? 0) + 1);
    if (fn.maxConcurrency === 0) {
      // ReservedConcurrentExecutions of 0 throttles every invocation.
      return Promise.reject(new AwsServiceError('TooManyRequestsException', 'Rate Exceeded.', 429));
    }
    this.running += 1;
    return fn.pool
      .invoke({
        requestId: randomUUID(),
        eventJson,
        invokedFunctionArn: functionArnOrName.startsWith('arn:') ? functionArnOrName : fn.arn,
        timeoutMs: fn.timeoutMs,
      })
      .finally(() => {
        this.running -= 1;
      });
  }

  private lookup(functionArnOrName: string): LocalFunction {
    const name = functionArnOrName.startsWith('arn:') ? arnResourceName(functionArnOrName) : functionArnOrName;
    const fn = this.functions.get(name);
    if (!fn) throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${functionArnOrName}`, 404);
    return fn;
  }

  private createFunction(definition: LocalFunctionDefinition): LocalFunction {
    const { logicalId, functionName, assetDir, handler, environment } = definition;
    const timeoutSeconds = definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const memorySizeMb = definition.memorySizeMb ?? DEFAULT_MEMORY_MB;
    const maxConcurrency = definition.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    const fail = (problem: string): never => {
      throw new Error(`Lambda function ${logicalId} (${functionName}): ${problem}`);
    };
    if (this.shutdown.signal.aborted) fail('the local Lambda runtime is closed');
    if (this.functions.has(functionName)) fail('a function with this name is already registered');
    if (!(timeoutSeconds > 0 && timeoutSeconds <= 900)) fail(`Timeout must be in (0, 900] seconds, received ${timeoutSeconds}`);
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 0) fail(`concurrency must be a whole number >= 0, received ${maxConcurrency}`);
    let setting;
    try {
      setting = parseHandlerSetting(handler);
    } catch (error) {
      return fail((error as Error).message);
    }
    // Failing at boot names the construct; Lambda would only fail at the first invocation.
    if (!findHandlerFile(assetDir, setting)) fail(`no ${setting.modulePath}.js, .mjs or .cjs in ${assetDir}`);

    const sink = createFunctionLogSink(functionName, this.logger, this.logDir);
    const identity = { functionName, assetDir, handler, memorySizeMb };
    const startWorker = (): FunctionWorker => {
      const logStreamName = newLogStreamName();
      return new FunctionWorker({
        setup: {
          assetDir,
          handler,
          functionName,
          functionVersion: '$LATEST',
          memoryLimitInMB: String(memorySizeMb),
          logGroupName: logGroupNameOf(functionName),
          logStreamName,
          clockMs: this.clock.now(),
        },
        env: lambdaEnvironment(identity, logStreamName, environment),
        sink,
        initTimeoutMs: INIT_TIMEOUT_MS,
        clock: this.clock,
        onUnexpectedExit: (exitCode) => this.logger.warn('lambda worker exited', { functionName, exitCode }),
      });
    };
    return {
      functionName,
      arn: definition.arn ?? `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
      timeoutMs: timeoutSeconds * 1000,
      maxConcurrency,
      pool: new FunctionPool(startWorker, maxConcurrency),
      sink,
    };
  }
}
