import type { Clock } from '../contracts.ts';

/**
 * Keeps count of the asynchronous work a service started (deliveries, retries, replays), so
 * tests and the CLI can wait for quiet, and owns the clock timers of that work so `stop()` can
 * end it without leaving timers behind.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<() => void>();
  private waiting = 0;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  get count(): number {
    return this.running.size;
  }

  /** Work running right now, leaving out work that only waits on the clock (a retry backoff). */
  get activeCount(): number {
    return Math.max(0, this.running.size - this.waiting);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs `work` in the background; its failure is the work's own business, so it must not reject. */
  start(work: () => Promise<void>): void {
    if (this.stopped) return;
    const promise = work().finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Waits `ms` of clock time; resolves `false` instead if the work was stopped meanwhile. */
  wait(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    this.waiting += 1;
    const waited = new Promise<boolean>((resolve) => {
      const cancelTimer = this.clock.setTimer(() => {
        this.timers.delete(cancel);
        resolve(true);
      }, ms);
      const cancel = (): void => {
        cancelTimer();
        resolve(false);
      };
      this.timers.add(cancel);
    });
    return waited.finally(() => {
      this.waiting -= 1;
    });
  }

  /** Resolves once nothing is running, including work started by work that was running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Cancels every pending wait; the work sees `wait()` return false and ends. */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}
