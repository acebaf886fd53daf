/** Waits measured on the local clock that end early when the execution closes. */
import type { Clock } from '../contracts.ts';
import { StatesRuntimeError } from './errors.ts';

export function sleepOnClock(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(closedError());
    const onAbort = () => {
      cancel();
      reject(closedError());
    };
    const cancel = clock.setTimer(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `work`, unless `timeoutSeconds` of clock time pass first (rejects with
 * `onTimeout()`) or the execution closes (rejects with States.Runtime).
 */
export function raceClockAndClose<T>(
  clock: Clock,
  work: Promise<T>,
  timeoutSeconds: number | undefined,
  onTimeout: () => Error,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(closedError());
    const cancelTimer =
      timeoutSeconds === undefined ? () => {} : clock.setTimer(() => finish(() => reject(onTimeout())), timeoutSeconds * 1000);
    const onAbort = () => finish(() => reject(closedError()));
    signal.addEventListener('abort', onAbort, { once: true });
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
      settle();
    }
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

function closedError(): StatesRuntimeError {
  return new StatesRuntimeError('the execution was closed while the state was running');
}
