/**
 * The messages between the local Lambda runtime (host) and one function's worker thread.
 * Types only: the worker bootstrap runs under Node's own type stripping, so nothing here may
 * need emitting.
 */

/** What a worker needs to know to load its function and build each invocation's context. */
export interface WorkerSetup {
  readonly assetDir: string;
  /** The template's `Handler`, for example `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** The local cloud's time when the worker starts, for code that runs at load. */
  readonly clockMs: number;
}

/** An error as Lambda reports it in an invocation's response. */
export interface ErrorShape {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /** The event as JSON text: Lambda hands handlers parsed JSON, never live objects. */
  readonly eventJson: string;
  /** Epoch milliseconds (real time) at which the host times the invocation out. */
  readonly deadlineMs: number;
  /**
   * The local cloud's time at the invocation. The worker's clock (`Date`) reads it, running on in
   * real time, so a function sees the same time as the cloud that fast-forwarded days.
   */
  readonly clockMs: number;
  readonly invokedFunctionArn: string;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: ErrorShape }
  | { readonly type: 'result'; readonly requestId: string; readonly payloadJson: string }
  | { readonly type: 'error'; readonly requestId: string; readonly error: ErrorShape }
  /** The worker is about to exit because of an error outside the handler's promise. */
  | { readonly type: 'crash'; readonly error: ErrorShape };
