import type { Clock, InvokeResult } from '../contracts.ts';
import { toErrorShape } from './error-shape.ts';
import type { InvokeFailure } from './function-worker.ts';

/** What happens to an event invocation after its attempts: the function's destinations or DLQ. */
export interface AsyncInvokeOptions {
  /** Called with the event and the last error once every attempt failed (the DLQ / OnFailure). */
  readonly onFailure?: (event: unknown, error: InvokeFailure) => Promise<void>;
  /** Called with the event and the function's result (an OnSuccess destination). */
  readonly onSuccess?: (event: unknown, payload: unknown) => Promise<void>;
  /** Retries after the first attempt, 0 to 2 like `MaximumRetryAttempts`; Lambda's default is 2. */
  readonly maximumRetryAttempts?: number;
}

export interface AsyncInvocationRun {
  readonly event: unknown;
  readonly attempt: () => Promise<InvokeResult>;
  readonly options: AsyncInvokeOptions;
  /** Wait before retry n (0-based); the last entry repeats. */
  readonly retryDelaysMs: readonly number[];
  readonly clock: Clock;
  /** Counts the runs pausing on the clock between attempts, so a fast-forward knows they only wait. */
  readonly pausing?: { count: number };
  /** Aborted when the runtime closes: no more attempts, no destination. */
  readonly signal: AbortSignal;
  readonly onDestinationError: (error: unknown) => void;
}

/** Runs an event (asynchronous) invocation: the first attempt, the retries, then a destination. */
export async function runAsyncInvocation(run: AsyncInvocationRun): Promise<void> {
  const retries = run.options.maximumRetryAttempts ?? 2;
  let last: InvokeResult | undefined;
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0 && !(await pause(run, retryDelay(run.retryDelaysMs, attempt - 1)))) return;
    if (run.signal.aborted) return;
    last = await run.attempt().catch((error: unknown): InvokeFailure => ({ ok: false, ...toErrorShape(error) }));
    if (run.signal.aborted) return;
    if (last.ok) break;
  }
  if (!last) return;
  try {
    if (last.ok) await run.options.onSuccess?.(run.event, last.payload);
    else await run.options.onFailure?.(run.event, last);
  } catch (error) {
    run.onDestinationError(error);
  }
}

function retryDelay(delays: readonly number[], index: number): number {
  return delays[Math.min(index, delays.length - 1)] ?? 0;
}

/** Resolves true after `ms` of clock time, or false as soon as the run is aborted. */
function pause(run: AsyncInvocationRun, ms: number): Promise<boolean> {
  const pausing = run.pausing ?? { count: 0 };
  pausing.count += 1;
  return new Promise<boolean>((resolve) => {
    if (run.signal.aborted) return resolve(false);
    const onAbort = (): void => {
      cancel();
      resolve(false);
    };
    const cancel = run.clock.setTimer(() => {
      run.signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    run.signal.addEventListener('abort', onAbort, { once: true });
  }).finally(() => {
    pausing.count -= 1;
  });
}
