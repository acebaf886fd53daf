/**
 * Sends webhooks the way a SaaS does, for the ShipBob simulator and the courier network's
 * AfterShip: one POST per subscriber, retried with backoff under the same event id, and the
 * faults a receiver must survive (lost, duplicated and out-of-order events, an outage).
 *
 * Retries use REAL time, so backoff passes even when the local clock stands still. The signed
 * timestamp reads the local clock (`clock`): the receiver, a function on the local cloud, checks
 * it against the cloud's time, which may have been fast-forwarded days.
 */

export type WebhookOutcome = 'delivered' | 'retrying' | 'failed' | 'dropped';

/** One attempt to deliver one event to one subscriber. */
export interface WebhookAttempt {
  readonly eventId: string;
  readonly topic: string;
  /** The ShipBob order id the event is about. */
  readonly shipmentId: string;
  readonly url: string;
  /** 1 for the first try; retries keep the event id. 0 for an event dropped before any try. */
  readonly attempt: number;
  /** 2 for the second copy of an event sent twice (see {@link WebhookSender.duplicateNext}). */
  readonly copy: 1 | 2;
  /** Real wall time of the attempt. */
  readonly sentAt: string;
  /** The subscriber's answer, when it answered. */
  readonly statusCode?: number;
  /** Why no answer came, when none did. */
  readonly error?: string;
  /** `failed` marks the last attempt of an event given up on; `dropped` an event never sent. */
  readonly outcome: WebhookOutcome;
}

/** One event, serialised once: every attempt and every copy sends the same body. */
export interface WebhookEvent {
  readonly eventId: string;
  readonly topic: string;
  readonly shipmentId: string;
  readonly body: string;
}

export interface WebhookTarget {
  readonly url: string;
  /** The headers of one attempt, besides content-type; `attemptAtMs` is its real time. */
  readonly headers: (event: WebhookEvent, attemptAtMs: number) => Record<string, string>;
}

export interface WebhookSenderOptions {
  /**
   * The wait before each retry; its length is the number of retries. Real ShipBob and AfterShip
   * retry over hours; these keep tests and demos quick. @default [200, 1000, 3000, 10000]
   */
  readonly retryDelaysMs?: readonly number[];
  /** How long a subscriber has to answer one attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** The time signatures are stamped with. @default the machine's clock */
  readonly clock?: { now(): number };
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 1000, 3000, 10_000];
const DEFAULT_TIMEOUT_MS = 5000;

interface Job {
  readonly event: WebhookEvent;
  readonly target: WebhookTarget;
  readonly attempt: number;
  readonly copy: 1 | 2;
}

/** First attempts to one URL go out one at a time, in the order the events happened. */
interface Lane {
  readonly queue: Job[];
  busy: boolean;
}

interface HeldEvent {
  readonly event: WebhookEvent;
  readonly targets: readonly WebhookTarget[];
}

/**
 * Each event's first attempt to a URL waits for the previous event's first attempt there, so
 * events arrive in the order they happened unless a fault says otherwise. Retries do not wait:
 * a retried event can arrive after later ones, as it would from a real sender.
 */
export class WebhookSender {
  private readonly log: WebhookAttempt[] = [];
  private readonly lanes = new Map<string, Lane>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Retries that came due during an outage; they go on resume. */
  private readonly deferred: Job[] = [];
  private held: HeldEvent[] = [];
  private toDrop = 0;
  private toDuplicate = 0;
  private holding = false;
  private paused = false;
  private inFlight = 0;
  private readonly stopping = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly clock: { now(): number };

  constructor(options: WebhookSenderOptions = {}) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /** Sends `event` to every target. An event with no target goes nowhere and takes no fault. */
  send(event: WebhookEvent, targets: readonly WebhookTarget[]): void {
    if (this.stopping.signal.aborted || targets.length === 0) return;
    if (this.toDrop > 0) {
      this.toDrop--;
      const sentAt = new Date().toISOString();
      for (const target of targets) this.log.push({ ...about(event), url: target.url, attempt: 0, copy: 1, sentAt, outcome: 'dropped' });
      this.releaseHeld();
      return;
    }
    if (this.holding) {
      this.holding = false;
      this.held.push({ event, targets });
      return;
    }
    this.enqueue(event, targets);
    this.releaseHeld();
  }

  /** The next `count` events are never delivered (each is recorded once per subscriber as `dropped`). */
  dropNext(count = 1): void {
    this.toDrop += count;
  }

  /** The next `count` events are each delivered twice, the copy right after the original. */
  duplicateNext(count = 1): void {
    this.toDuplicate += count;
  }

  /**
   * The next event is held back and sent right after the one following it, so the two arrive
   * out of order. Until another event comes, the held one waits (and {@link idle} ignores it).
   */
  holdNext(): void {
    this.holding = true;
  }

  /** An outage: nothing is sent, events and due retries queue up until {@link resume}. */
  pause(): void {
    this.paused = true;
  }

  /** Ends the outage: what queued up goes out, in order. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const job of this.deferred.splice(0)) this.run(job);
    for (const lane of this.lanes.values()) this.pump(lane);
    this.settle();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Every attempt, oldest first. */
  deliveries(): WebhookAttempt[] {
    return [...this.log];
  }

  /**
   * Resolves once nothing is being sent or waiting for a retry. Events queued by an outage or
   * held back by {@link holdNext} do not count: they wait for something else to happen.
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get isIdleNow(): boolean {
    return this.isIdle();
  }

  /** Cancels every retry and aborts every attempt in flight; nothing is sent afterwards. */
  stop(): void {
    this.stopping.abort();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.lanes.clear();
    this.deferred.length = 0;
    this.held = [];
    this.settle();
  }

  private enqueue(event: WebhookEvent, targets: readonly WebhookTarget[]): void {
    const twice = this.toDuplicate > 0;
    if (twice) this.toDuplicate--;
    for (const target of targets) {
      const lane = this.laneOf(target.url);
      lane.queue.push({ event, target, attempt: 1, copy: 1 });
      if (twice) lane.queue.push({ event, target, attempt: 1, copy: 2 });
      this.pump(lane);
    }
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const { event, targets } of held) this.enqueue(event, targets);
  }

  private laneOf(url: string): Lane {
    let lane = this.lanes.get(url);
    if (!lane) {
      lane = { queue: [], busy: false };
      this.lanes.set(url, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    if (lane.busy || this.paused || this.stopping.signal.aborted) return;
    const job = lane.queue.shift();
    if (!job) return;
    lane.busy = true;
    void this.attempt(job).then(() => {
      lane.busy = false;
      this.pump(lane);
      this.settle();
    });
  }

  /** A retry, outside the lanes. */
  private run(job: Job): void {
    void this.attempt(job).then(() => this.settle());
  }

  private async attempt(job: Job): Promise<void> {
    this.inFlight++;
    const attemptAtMs = Date.now();
    const answer = await this.post(job, this.clock.now());
    this.inFlight--;
    if (this.stopping.signal.aborted) return;
    const delivered = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
    const retryDelay = this.retryDelaysMs[job.attempt - 1];
    const outcome = delivered ? 'delivered' : retryDelay === undefined ? 'failed' : 'retrying';
    this.log.push({ ...about(job.event), url: job.target.url, attempt: job.attempt, copy: job.copy, sentAt: new Date(attemptAtMs).toISOString(), ...answer, outcome });
    if (outcome !== 'retrying') return;
    const next: Job = { ...job, attempt: job.attempt + 1 };
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.paused) {
        this.deferred.push(next);
        this.settle();
      } else {
        this.run(next);
      }
    }, retryDelay);
    this.retryTimers.add(timer);
  }

  private async post(job: Job, signedAtMs: number): Promise<{ statusCode?: number; error?: string }> {
    try {
      const response = await fetch(job.target.url, {
        method: 'POST',
        headers: { ...job.target.headers(job.event, signedAtMs), 'content-type': 'application/json' },
        body: job.event.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      // Read the answer so the connection is freed; its content means nothing to the sender.
      await response.arrayBuffer();
      return { statusCode: response.status };
    } catch (error) {
      return { error: describeFailure(error) };
    }
  }

  private isIdle(): boolean {
    if (this.stopping.signal.aborted) return true;
    if (this.inFlight > 0 || this.retryTimers.size > 0) return false;
    return this.paused || [...this.lanes.values()].every((lane) => !lane.busy && lane.queue.length === 0);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

const about = (event: WebhookEvent) => ({ eventId: event.eventId, topic: event.topic, shipmentId: event.shipmentId });

/** fetch reports every network failure as "fetch failed"; the reason (ECONNREFUSED, …) is its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
