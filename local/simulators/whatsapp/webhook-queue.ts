import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Webhooks to one subscriber, one at a time, in the order they were emitted: a status `sent`
 * never overtakes the `delivered` after it, even while it is retried. Each emission is a step
 * run when its turn comes, so the simulator's record changes when the webhook goes out, and a
 * step with no subscriber just records.
 *
 * Retries use REAL time, so backoff passes while a local clock stands still. Signing times read
 * `clock`: the receiver, a function on the local cloud, checks them against the cloud's time.
 */

export interface WebhookPost {
  readonly url: string;
  readonly body: string;
  /** The headers of one attempt, besides content-type; `attemptAtMs` is its time on the clock. */
  headers(attemptAtMs: number): Record<string, string>;
}

export interface WebhookQueueOptions {
  /** The wait before each retry; its length is the number of retries. @default [50, 200] */
  readonly retryDelaysMs?: readonly number[];
  /** How long the subscriber has to answer one attempt. @default 2000 */
  readonly timeoutMs?: number;
  /** The time attempts are signed with. @default the machine's clock */
  readonly clock?: { now(): number };
}

export class WebhookQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly clock: { now(): number };

  constructor(options: WebhookQueueOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.retryDelaysMs = options.retryDelaysMs ?? [50, 200];
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  /**
   * Queues `step`; it runs after every step queued before it has been delivered or given up on,
   * and returns the webhook to post, or undefined for none. Resolves once this one is settled.
   */
  emit(step: () => WebhookPost | undefined): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    this.pending++;
    const settled = this.tail
      .then(() => this.run(step))
      .finally(() => {
        this.pending--;
        this.wakeIfIdle();
      });
    // A step that throws is a simulator bug: the caller's promise rejects, later steps still run.
    this.tail = settled.catch(() => undefined);
    return settled;
  }

  /** Resolves once no webhook is in flight, waiting to be retried, or queued. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Aborts what is in flight and drops what is queued; nothing is sent afterwards. */
  stop(): void {
    this.stopping.abort();
    this.wakeIfIdle();
  }

  private async run(step: () => WebhookPost | undefined): Promise<void> {
    // Lets the API's answer reach the client before the webhooks about it.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.stopping.signal.aborted) return;
    const post = step();
    if (!post) return;
    for (let retry = 0; ; retry++) {
      if (await this.attempt(post)) return;
      const wait = this.retryDelaysMs[retry];
      if (wait === undefined || this.stopping.signal.aborted) return;
      try {
        await sleep(wait, undefined, { signal: this.stopping.signal });
      } catch {
        return;
      }
    }
  }

  /** True when the subscriber answered 2xx. */
  private async attempt(post: WebhookPost): Promise<boolean> {
    try {
      const response = await fetch(post.url, {
        method: 'POST',
        headers: { ...post.headers(this.clock.now()), 'content-type': 'application/json' },
        body: post.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      // Read the answer so the connection is freed; its content means nothing to the sender.
      await response.arrayBuffer();
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    }
  }

  private isIdle(): boolean {
    return this.pending === 0 || this.stopping.signal.aborted;
  }

  private wakeIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
