/**
 * Retry backoff on the local clock. The runner is told to retry Task states without pausing, and
 * the failing attempt pauses here, before it throws, for exactly the time the state's Retry field
 * asks for (IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, FULL jitter). At
 * clock speed 1 that is AWS's real backoff; at a higher speed tests stay fast.
 *
 * The runner's matching rules are mirrored so the pause is taken only when a retry will follow.
 */
import type { Retrier } from './definition.ts';

const DEFAULTS = { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2 };

export class RetryPacer {
  /** Attempts per retrier, per state name, for the state entry in progress. */
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Milliseconds to pause before the runner retries, or undefined when this error ends the state's retries. */
  pauseBeforeRetry(stateName: string, retriers: readonly Retrier[], errorName: string, isTimeout: boolean): number | undefined {
    const attempts = this.attempts.get(stateName) ?? retriers.map(() => 0);
    this.attempts.set(stateName, attempts);
    for (const [index, retrier] of retriers.entries()) {
      if (!retrier.ErrorEquals.some((equals) => matches(equals, errorName, isTimeout))) continue;
      const done = attempts[index] ?? 0;
      if (done >= (retrier.MaxAttempts ?? DEFAULTS.maxAttempts)) break;
      attempts[index] = done + 1;
      return this.delayMs(retrier, done);
    }
    // The runner now catches or fails; the next entry into this state starts counting afresh.
    this.reset(stateName);
    return undefined;
  }

  reset(stateName: string): void {
    this.attempts.delete(stateName);
  }

  private delayMs(retrier: Retrier, previousAttempts: number): number {
    const interval =
      (retrier.IntervalSeconds ?? DEFAULTS.intervalSeconds) * (retrier.BackoffRate ?? DEFAULTS.backoffRate) ** previousAttempts;
    const capped = retrier.MaxDelaySeconds ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
    const ms = capped * 1000;
    return retrier.JitterStrategy === 'FULL' ? Math.floor(this.random() * ms) : ms;
  }
}

function matches(errorEquals: string, errorName: string, isTimeout: boolean): boolean {
  if (errorEquals === errorName || errorEquals === 'States.ALL') return true;
  // As in AWS, States.TaskFailed matches every task error except States.Timeout.
  return errorEquals === 'States.TaskFailed' && !isTimeout;
}
