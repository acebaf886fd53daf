import { WMS_EVENT_ID_HEADER, WMS_SIGNATURE_HEADER, type WmsStockWebhook } from '../../../lambdas/inventory/domain/wms-contract.ts';
import { signWmsPayload } from '../../../lambdas/inventory/domain/wms-signature.ts';

/** One attempt to deliver one webhook. */
export interface WebhookDelivery {
  readonly eventId: string;
  readonly warehouseId: string;
  /** 1 for the first try; retries keep the event id. */
  readonly attempt: number;
  readonly sentAt: string;
  /** The subscriber's answer, when it answered. */
  readonly statusCode?: number;
  /** Why no answer came, when none did. */
  readonly error?: string;
  /** `failed` marks the last attempt of a webhook given up on. */
  readonly outcome: 'delivered' | 'retrying' | 'failed';
}

export interface WebhookDispatcherOptions {
  /** One secret, or several to sign with each while one is rotated. */
  readonly secret: string | readonly string[];
  readonly clock: () => number;
  /** The wait before each retry; its length is the number of retries. */
  readonly retryDelaysMs: readonly number[];
  /** How long a subscriber has to answer one attempt. */
  readonly timeoutMs: number;
  /** True while the warehouse's webhooks must wait (an outage); see {@link WebhookDispatcher.release}. */
  readonly isHeld: (warehouseId: string) => boolean;
}

interface PendingWebhook {
  readonly url: string;
  readonly warehouseId: string;
  readonly eventId: string;
  readonly body: string;
  readonly attempt: number;
}

/**
 * Sends signed webhooks the way the contract says a WMS does: each attempt signed afresh with the
 * current time, non-2xx answers retried with backoff under the same event id, and a warehouse's
 * webhooks held while it is out and sent once it is back. Timers are real even when the clock is
 * not, so lag and backoff pass in real time.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held: PendingWebhook[] = [];
  private readonly stopping = new AbortController();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Queues a webhook to be sent after `delayMs`. */
  send(url: string, event: WmsStockWebhook, delayMs: number): void {
    this.schedule({ url, warehouseId: event.warehouse_id, eventId: event.event_id, body: JSON.stringify(event), attempt: 1 }, delayMs);
  }

  /** Sends, in the order they were held, the webhooks a warehouse's outage held back. */
  release(warehouseId: string): void {
    const released = this.held.filter((webhook) => webhook.warehouseId === warehouseId);
    this.held.splice(0, this.held.length, ...this.held.filter((webhook) => webhook.warehouseId !== warehouseId));
    for (const webhook of released) this.schedule(webhook, 0);
  }

  /**
   * Resolves once no webhook is waiting for its time or being sent. Held webhooks do not count:
   * they wait for an outage to end, and a test must be able to see that nothing was sent meanwhile.
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels every timer and aborts every attempt in flight; nothing is sent afterwards. */
  stop(): void {
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.held.length = 0;
    this.settle();
  }

  private schedule(webhook: PendingWebhook, delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(webhook);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(webhook: PendingWebhook): Promise<void> {
    if (this.options.isHeld(webhook.warehouseId)) {
      this.held.push(webhook);
      this.settle();
      return;
    }
    this.inFlight++;
    const sentAtMs = this.options.clock();
    const answer = await this.post(webhook, sentAtMs);
    this.inFlight--;
    if (this.stopping.signal.aborted) return this.settle();
    const delivered = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
    const retryDelay = this.options.retryDelaysMs[webhook.attempt - 1];
    const outcome = delivered ? 'delivered' : retryDelay === undefined ? 'failed' : 'retrying';
    this.deliveries.push({ eventId: webhook.eventId, warehouseId: webhook.warehouseId, attempt: webhook.attempt, sentAt: new Date(sentAtMs).toISOString(), ...answer, outcome });
    if (outcome === 'retrying') this.schedule({ ...webhook, attempt: webhook.attempt + 1 }, retryDelay!);
    this.settle();
  }

  private async post(webhook: PendingWebhook, sentAtMs: number): Promise<{ statusCode?: number; error?: string }> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WMS_EVENT_ID_HEADER]: webhook.eventId,
          [WMS_SIGNATURE_HEADER]: signWmsPayload(this.options.secret, Math.floor(sentAtMs / 1000), webhook.body),
        },
        body: webhook.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      // Read the answer so the connection is freed; its content means nothing to the sender.
      await response.arrayBuffer();
      return { statusCode: response.status };
    } catch (error) {
      return { error: describeFailure(error) };
    }
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.inFlight === 0;
  }

  private settle(): void {
    if (!this.isIdle() && !this.stopping.signal.aborted) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** fetch reports every network failure as "fetch failed"; the reason (ECONNREFUSED, …) is its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
