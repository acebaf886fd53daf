import type { InvokeResult } from '../contracts.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import type { FunctionWorker, WorkerInvocation } from './function-worker.ts';

/**
 * The execution environments of one function. Each concurrent invocation needs its own worker;
 * up to `maxConcurrency` run at once and later ones queue. Idle workers are reused most recently
 * used first, so a steady trickle of requests keeps hitting one warm worker.
 */
export class FunctionPool {
  private readonly startWorker: () => FunctionWorker;
  private readonly limit: ConcurrencyLimit;
  private readonly idle: FunctionWorker[] = [];
  private readonly running = new Set<FunctionWorker>();
  private closedWith: Error | undefined;

  constructor(startWorker: () => FunctionWorker, maxConcurrency: number) {
    this.startWorker = startWorker;
    this.limit = new ConcurrencyLimit(maxConcurrency);
  }

  async invoke(invocation: WorkerInvocation): Promise<InvokeResult> {
    await this.limit.acquire();
    try {
      if (this.closedWith) throw this.closedWith;
      const worker = this.takeIdleWorker() ?? this.coldStart();
      const init = await worker.ready();
      if (!init.ok) return init.failure;
      const result = await worker.invoke(invocation);
      if (worker.alive) this.idle.push(worker);
      return result;
    } finally {
      this.limit.release();
    }
  }

  /**
   * Starts `count` workers ahead of traffic, like provisioned concurrency: a burst then finds warm
   * workers instead of paying every cold start at once on a laptop's few cores.
   */
  async warm(count: number): Promise<void> {
    const workers = Array.from({ length: count }, () => this.coldStart());
    for (const worker of workers) {
      const init = await worker.ready();
      if (init.ok && worker.alive) this.idle.push(worker);
    }
  }

  /** Stops every worker; queued and later invocations are refused with `reason`. */
  async close(reason: Error): Promise<void> {
    this.closedWith = reason;
    this.limit.close(reason);
    this.idle.length = 0;
    await Promise.all([...this.running].map((worker) => worker.terminate()));
  }

  private takeIdleWorker(): FunctionWorker | undefined {
    for (let worker = this.idle.pop(); worker; worker = this.idle.pop()) {
      if (worker.alive) return worker;
    }
    return undefined;
  }

  private coldStart(): FunctionWorker {
    const worker = this.startWorker();
    this.running.add(worker);
    void worker.exited.then(() => this.running.delete(worker));
    return worker;
  }
}
