import type { SQSEvent } from 'aws-lambda';
import type { Clock, InvokeResult, LambdaInvoker, LocalLogger } from '../contracts.ts';
import { partialBatchOutcome, sqsEvent } from './lambda-event.ts';
import type { ReceivedMessage, SqsQueue } from './queue.ts';

export interface SqsEventSourceMappingOptions {
  readonly queue: SqsQueue;
  readonly functionArn: string;
  readonly invoker: LambdaInvoker;
  /** 1–10000; above 10 needs a batching window, as on AWS. @default 10 */
  readonly batchSize?: number;
  /** 0–300: how long to keep gathering records once the first one arrived. @default 0 */
  readonly maximumBatchingWindowSeconds?: number;
  /** 2–1000 concurrent invocations (ScalingConfig.MaximumConcurrency). @default 5 */
  readonly maximumConcurrency?: number;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`. */
  readonly reportBatchItemFailures: boolean;
  readonly clock: Clock;
  readonly logger: LocalLogger;
}

// Lambda's pollers long poll with the longest wait SQS allows.
const POLL_WAIT_MS = 20_000;
const MAX_MESSAGES_PER_RECEIVE = 10;
// After an unexpected error, wait a moment before polling again so a bug cannot spin the CPU.
const ERROR_BACKOFF_MS = 1_000;


/** Longer than any visibility timeout or delay a consumer uses for a retry (SQS delays stop at 15 minutes). */
const PARKED_AFTER_MS = 15 * 60_000;
/**
 * Lambda's SQS event source mapping: it receives batches in-process and invokes the function
 * synchronously. Success deletes the batch (minus reported item failures); a function error
 * deletes nothing, so the messages come back after the visibility timeout and reach the
 * dead-letter queue through the queue's own redrive policy.
 */
export class SqsEventSourceMapping {
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumConcurrency: number;
  private running: AbortController | undefined;
  private poller: Promise<void> | undefined;
  private readonly batchesInFlight = new Set<Promise<void>>();
  private readonly stateListeners = new Set<() => void>();
  private backingOff = false;

  constructor(private readonly options: SqsEventSourceMappingOptions) {
    this.batchSize = integerIn('batchSize', options.batchSize ?? 10, 1, 10_000);
    this.maximumBatchingWindowSeconds = integerIn('maximumBatchingWindowSeconds', options.maximumBatchingWindowSeconds ?? 0, 0, 300);
    this.maximumConcurrency = integerIn('maximumConcurrency', options.maximumConcurrency ?? 5, 2, 1000);
    if (this.batchSize > MAX_MESSAGES_PER_RECEIVE && this.maximumBatchingWindowSeconds < 1) {
      throw new Error(`a batchSize above 10 needs maximumBatchingWindowSeconds of at least 1, received batchSize ${this.batchSize}`);
    }
  }

  /** Starts polling; each batch is handed to the function while the next one is gathered. */
  start(): void {
    if (this.running !== undefined) return;
    const running = new AbortController();
    this.running = running;
    this.poller = this.poll(running.signal);
    this.options.logger.info('sqs: event source mapping started', {
      queue: this.options.queue.name,
      functionArn: this.options.functionArn,
      batchSize: this.batchSize,
      maximumConcurrency: this.maximumConcurrency,
    });
  }

  /** Stops polling and resolves once every batch already received has been handled. */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    running.abort();
    await this.poller;
    await Promise.all(this.batchesInFlight);
    this.running = undefined;
    this.notifyStateChange();
  }

  /**
   * Resolves when no batch is being handled and the queue holds no message (visible, in flight
   * or delayed), or, once stopped, as soon as no batch is being handled. A message that keeps
   * failing with no dead-letter queue keeps the mapping busy until its retention expires.
   *
   * A message hidden for longer than {@link PARKED_AFTER_MS} does not count: its consumer put it
   * aside on purpose (a notification held through the customer's night), like an execution parked
   * on a task token, and it comes back when the clock gets there (`LocalCloud.fastForward`).
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.isIdle()) return;
        this.stateListeners.delete(check);
        unsubscribe();
        resolve();
      };
      this.stateListeners.add(check);
      const unsubscribe = this.options.queue.onChange(check);
      check();
    });
  }

  /**
   * Whether the mapping is working right now: a batch is being handled, or a visible message is
   * about to be received. Messages that are delayed or in flight (their visibility timeout runs on
   * the clock) do not count: they come back by themselves once the clock reaches them.
   *
   * A clock jump therefore makes in-flight messages visible again, and they are received again.
   * `LocalCloud.fastForward` jumps only once this is false, so there that happens only to
   * messages whose batch failed (their retry, as on AWS) or that a client outside the mappings
   * received and has not deleted yet; a bare `Clock.advance` can also jump past the visibility
   * timeout of a batch still being handled. Every consumer is idempotent, so a second delivery is
   * acceptable.
   */
  hasRunnableWork(): boolean {
    if (this.batchesInFlight.size > 0) return true;
    if (this.running === undefined || this.backingOff) return false;
    return this.options.queue.counts().visible > 0;
  }

  private isIdle(): boolean {
    if (this.batchesInFlight.size > 0) return false;
    if (this.running === undefined) return true;
    const counts = this.options.queue.counts();
    return counts.visible + counts.inFlight + counts.delayed - this.options.queue.parkedBeyond(PARKED_AFTER_MS) === 0;
  }

  /**
   * One poller gathers batches and hands each to the function without waiting for it, but only
   * while fewer than `maximumConcurrency` batches are being handled; messages are not received
   * while every slot is busy, so their visibility timeout does not run out waiting for a slot.
   */
  private async poll(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.batchesInFlight.size >= this.maximumConcurrency) {
          await Promise.race(this.batchesInFlight);
          continue;
        }
        const batch = await this.collectBatch(signal);
        if (batch.length > 0) this.dispatch(batch);
      } catch (error) {
        this.options.logger.error('sqs: event source mapping poller failed', {
          queue: this.options.queue.name,
          error: error instanceof Error ? error.message : String(error),
        });
        this.backingOff = true;
        try {
          await this.options.clock.sleep(ERROR_BACKOFF_MS);
        } finally {
          this.backingOff = false;
        }
      }
    }
  }

  private dispatch(batch: readonly ReceivedMessage[]): void {
    const handling: Promise<void> = this.handleBatch(batch)
      .catch((error: unknown) => {
        this.options.logger.error('sqs: event source mapping failed to settle a batch', {
          queue: this.options.queue.name,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        this.batchesInFlight.delete(handling);
        this.notifyStateChange();
      });
    this.batchesInFlight.add(handling);
  }

  /** Long polls for a first message, then gathers more until the batch is full or the window closes. */
  private async collectBatch(signal: AbortSignal): Promise<ReceivedMessage[]> {
    const { queue, clock } = this.options;
    const batch = await queue.receive({ maxMessages: this.receiveSize(0), waitTimeMs: POLL_WAIT_MS, signal, deferrableDeadline: true });
    const windowEnds = clock.now() + this.maximumBatchingWindowSeconds * 1000;
    while (batch.length > 0 && batch.length < this.batchSize && !signal.aborted && clock.now() < windowEnds) {
      batch.push(...(await queue.receive({ maxMessages: this.receiveSize(batch.length), waitTimeMs: windowEnds - clock.now(), signal })));
    }
    return batch;
  }

  private receiveSize(alreadyGathered: number): number {
    return Math.min(MAX_MESSAGES_PER_RECEIVE, this.batchSize - alreadyGathered);
  }

  private async handleBatch(batch: readonly ReceivedMessage[]): Promise<void> {
    const result = await this.invoke(sqsEvent(this.options.queue.arn, batch));
    for (const message of this.messagesToDelete(batch, result)) this.options.queue.deleteMessage(message.receiptHandle);
  }

  private messagesToDelete(batch: readonly ReceivedMessage[], result: InvokeResult): readonly ReceivedMessage[] {
    const { logger, queue, functionArn } = this.options;
    if (!result.ok) {
      logger.warn('sqs: function failed; the batch returns to the queue after its visibility timeout', {
        queue: queue.name,
        functionArn,
        records: batch.length,
        errorType: result.errorType,
        errorMessage: result.errorMessage,
      });
      return [];
    }
    if (!this.options.reportBatchItemFailures) return batch;
    const outcome = partialBatchOutcome(result.payload, new Set(batch.map((message) => message.messageId)));
    if (!outcome.valid) {
      logger.warn('sqs: invalid partial batch response; the whole batch will be retried', {
        queue: queue.name,
        functionArn,
        reason: outcome.reason,
      });
      return [];
    }
    if (outcome.failedMessageIds.size > 0) {
      logger.info('sqs: function reported failed records; they return after the visibility timeout', {
        queue: queue.name,
        functionArn,
        failed: outcome.failedMessageIds.size,
        of: batch.length,
      });
    }
    return batch.filter((message) => !outcome.failedMessageIds.has(message.messageId));
  }

  // An invoker that throws (rather than reporting a function error) is treated like a function error.
  private async invoke(event: SQSEvent): Promise<InvokeResult> {
    try {
      return await this.options.invoker.invoke(this.options.functionArn, event);
    } catch (error) {
      return {
        ok: false,
        errorType: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      };
    }
  }

  private notifyStateChange(): void {
    for (const listener of [...this.stateListeners]) listener();
  }
}

function integerIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${field} must be an integer ${min}–${max}, received ${value}`);
  }
  return value;
}
