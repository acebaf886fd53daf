import { Worker } from 'node:worker_threads';
import type { InvokeResult } from '../contracts.ts';
import { workerBootstrapCode } from './bootstrap-code.ts';
import { toErrorShape } from './error-shape.ts';
import type { FunctionLogSink } from './function-log.ts';
import type { ErrorShape, InvokeMessage, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

export type InvokeFailure = Extract<InvokeResult, { ok: false }>;
export type InitOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: InvokeFailure };

/** Lambda's limit on a synchronous response payload. */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface FunctionWorkerLaunch {
  readonly setup: WorkerSetup;
  readonly env: Record<string, string>;
  readonly sink: FunctionLogSink;
  readonly initTimeoutMs: number;
  /** The local cloud's clock, which the function's `Date` follows. */
  readonly clock: { now(): number };
  /** Told when the worker ends without the host asking, so the operator sees crashes. */
  readonly onUnexpectedExit: (exitCode: number) => void;
}

export interface WorkerInvocation {
  readonly requestId: string;
  readonly eventJson: string;
  readonly invokedFunctionArn: string;
  readonly timeoutMs: number;
}

interface PendingInvocation {
  readonly requestId: string;
  finish(result: InvokeResult): void;
}

/**
 * One execution environment of a function: a worker thread that loads the handler once and then
 * runs one invocation at a time. It enforces the timeout by terminating the thread, and turns a
 * crash or exit of the thread into the failed result of whatever invocation was running.
 */
export class FunctionWorker {
  /** Resolves once the thread has ended, whatever the reason. */
  readonly exited: Promise<void>;
  private readonly worker: Worker;
  private readonly launch: FunctionWorkerLaunch;
  private readonly initOutcome: Promise<InitOutcome>;
  private settleInit: ((outcome: InitOutcome) => void) | undefined;
  private pending: PendingInvocation | undefined;
  private crashError: ErrorShape | undefined;
  private hasExited = false;
  private stopRequested = false;

  constructor(launch: FunctionWorkerLaunch) {
    this.launch = launch;
    this.worker = new Worker(workerBootstrapCode(), {
      eval: true,
      workerData: launch.setup,
      env: launch.env,
      // A clean runtime: no loaders or flags inherited from however the host was started.
      execArgv: [],
      stdout: true,
      stderr: true,
      name: `lambda:${launch.setup.functionName}`,
    });
    launch.sink.attach(this.worker.stdout, this.worker.stderr);

    this.initOutcome = new Promise((resolve) => {
      const timer = setTimeout(() => {
        const seconds = (launch.initTimeoutMs / 1000).toFixed(2);
        this.finishInit({ ok: false, failure: { ok: false, errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${seconds} seconds` } });
        void this.terminate();
      }, launch.initTimeoutMs);
      this.settleInit = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    // Only errors before the bootstrap installed its own handlers arrive here.
    this.worker.on('error', (error) => this.onCrash(toErrorShape(error)));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  /** Whether the thread can take another invocation. */
  get alive(): boolean {
    return !this.hasExited && !this.stopRequested && !this.crashError;
  }

  /** Resolves when the handler module has loaded (the cold start) or failed to. */
  ready(): Promise<InitOutcome> {
    return this.initOutcome;
  }

  invoke(invocation: WorkerInvocation): Promise<InvokeResult> {
    if (this.pending) throw new Error('a local Lambda worker runs one invocation at a time');
    if (!this.alive) {
      // It died while idle, for example a module-level timer threw after the last invocation.
      const error = this.crashError ?? { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${invocation.requestId} Error: Runtime exited` };
      return Promise.resolve({ ok: false, ...error });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.timeOut(invocation.timeoutMs), invocation.timeoutMs);
      this.pending = {
        requestId: invocation.requestId,
        finish: (result) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(result);
        },
      };
      const message: InvokeMessage = {
        type: 'invoke',
        requestId: invocation.requestId,
        eventJson: invocation.eventJson,
        deadlineMs: Date.now() + invocation.timeoutMs,
        clockMs: this.launch.clock.now(),
        invokedFunctionArn: invocation.invokedFunctionArn,
      };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.stopRequested = true;
    await this.worker.terminate();
  }

  private timeOut(timeoutMs: number): void {
    const pending = this.pending;
    if (!pending) return;
    const errorMessage = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
    this.launch.sink.writeLine(`${new Date().toISOString()} ${pending.requestId} ${errorMessage}`);
    pending.finish({ ok: false, errorType: 'Sandbox.Timedout', errorMessage });
    // The handler may still be running; only a fresh sandbox is safe for the next request.
    void this.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.finishInit({ ok: true });
        return;
      case 'init-error':
        this.finishInit({ ok: false, failure: { ok: false, ...message.error } });
        void this.terminate();
        return;
      case 'result':
        this.finishInvocation(message.requestId, resultFromJson(message.payloadJson));
        return;
      case 'error':
        this.finishInvocation(message.requestId, { ok: false, ...message.error });
        return;
      case 'crash':
        this.onCrash(message.error);
        return;
    }
  }

  private onCrash(error: ErrorShape): void {
    this.crashError = error;
    this.finishInit({ ok: false, failure: { ok: false, ...error } });
    this.pending?.finish({ ok: false, ...error });
  }

  private onExit(exitCode: number): void {
    this.hasExited = true;
    const requestId = this.pending?.requestId;
    const exitError: InvokeFailure = {
      ok: false,
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${requestId ?? 'init'} Error: Runtime exited with error: exit status ${exitCode}`,
    };
    this.finishInit({ ok: false, failure: this.crashError ? { ok: false, ...this.crashError } : exitError });
    this.pending?.finish(exitError);
    if (!this.stopRequested) this.launch.onUnexpectedExit(exitCode);
  }

  private finishInit(outcome: InitOutcome): void {
    this.settleInit?.(outcome);
    this.settleInit = undefined;
  }

  private finishInvocation(requestId: string, result: InvokeResult): void {
    // A late answer to an invocation that already timed out is not for the current one.
    if (this.pending?.requestId === requestId) this.pending.finish(result);
  }
}

function resultFromJson(payloadJson: string): InvokeResult {
  if (Buffer.byteLength(payloadJson) > MAX_RESPONSE_BYTES) {
    return {
      ok: false,
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    };
  }
  return { ok: true, payload: JSON.parse(payloadJson) as unknown };
}
