import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, type Clock, type LocalLogger } from '../contracts.ts';
import { sqsError } from './errors.ts';
import { md5OfBody, md5OfMessageAttributes } from './md5.ts';
import { validateMessage, type MessageAttributes } from './message.ts';
import { newReceiptHandle, parseReceiptHandle } from './receipt-handle.ts';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface QueueSettings {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly delaySeconds: number;
  readonly receiveWaitTimeSeconds: number;
  readonly redrivePolicy?: RedrivePolicy;
  readonly createdTimestamp: number;
}

/** Delayed messages were never received yet; in-flight ones were received and not yet visible again. */
export type MessageState = 'visible' | 'inFlight' | 'delayed';

export interface ApproximateCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** A message as tests and the CLI inspect it, without receiving it. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: MessageAttributes;
  readonly state: MessageState;
  readonly receiveCount: number;
  readonly sentTimestamp: number;
}

/** The system attributes SQS can return with a received message (all values are strings). */
export interface MessageSystemAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
  readonly DeadLetterQueueSourceArn?: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: MessageAttributes;
  readonly attributes: MessageSystemAttributes;
}

export interface SentMessage {
  readonly messageId: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes: string | undefined;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  /** Overrides the queue's visibility timeout for this receive. */
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: wait up to this long (local-cloud time) for a first message. */
  readonly waitTimeMs?: number;
  /** Ends a long poll early, for example when an event source mapping stops. */
  readonly signal?: AbortSignal;
  /**
   * Nothing depends on when the long poll ends empty (the caller just polls again), so when the
   * clock jumps it may end at the end of the jump instead of exactly at its deadline (see
   * `TimerOptions.deferrable`). Messages turning visible still wake it on time. @default false
   */
  readonly deferrableDeadline?: boolean;
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: MessageAttributes;
  readonly sentTimestamp: number;
  readonly senderId: string;
  readonly deadLetterSourceArn: string | undefined;
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  receiptHandle: string | undefined;
}

const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const MAX_DELAY_SECONDS = 900;

/**
 * One standard queue. Visibility, delay and retention are derived from timestamps on the
 * clock, so nothing needs a timer except a receive that is long polling.
 */
export class SqsQueue {
  private readonly stored = new Map<string, StoredMessage>();
  private readonly wakeReceivers = new Set<() => void>();
  private readonly changeListeners = new Set<() => void>();

  constructor(
    readonly settings: QueueSettings,
    private readonly deadLetterQueue: SqsQueue | undefined,
    private readonly clock: Clock,
    private readonly logger: LocalLogger,
  ) {}

  get arn(): string {
    return this.settings.arn;
  }

  get name(): string {
    return this.settings.name;
  }

  send(body: string, messageAttributes: MessageAttributes = {}, delaySeconds = this.settings.delaySeconds): SentMessage {
    validateMessage(body, messageAttributes);
    assertDelaySeconds(delaySeconds);
    const now = this.clock.now();
    const message = this.store({
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      messageAttributes,
      sentTimestamp: now,
      senderId: LOCAL_ACCOUNT,
      deadLetterSourceArn: undefined,
      visibleAt: now + delaySeconds * 1000,
    });
    return {
      messageId: message.messageId,
      md5OfBody: message.md5OfBody,
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
    };
  }

  /** Receives up to `maxMessages`, long polling when `waitTimeMs` > 0 and none is visible yet. */
  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const deadline = this.clock.now() + (options.waitTimeMs ?? 0);
    for (;;) {
      const received = this.takeVisible(options.maxMessages, options.visibilityTimeoutSeconds ?? this.settings.visibilityTimeoutSeconds);
      if (received.length > 0 || options.signal?.aborted || this.clock.now() >= deadline) return received;
      await this.waitForChange(deadline, options.signal, options.deferrableDeadline === true);
    }
  }

  /**
   * Deletes the message a receipt handle names. As the DeleteMessage reference documents, only
   * the most recent receive's handle deletes: an older handle (the message was received again
   * since) succeeds without deleting, and so does a handle whose message is already gone.
   */
  deleteMessage(receiptHandle: string): void {
    const message = this.messageFor(receiptHandle);
    if (message === undefined) return;
    if (message.receiptHandle !== receiptHandle) {
      this.logger.info('sqs: delete with a stale receipt handle left the message in the queue', {
        queue: this.name,
        messageId: message.messageId,
      });
      return;
    }
    this.stored.delete(message.messageId);
    this.changed();
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    assertVisibilityTimeout(visibilityTimeoutSeconds);
    const message = this.messageFor(receiptHandle);
    if (message === undefined || message.receiptHandle !== receiptHandle) {
      throw sqsError('ReceiptHandleIsInvalid', `The receipt handle has expired: ${receiptHandle}`);
    }
    const now = this.clock.now();
    if (message.visibleAt <= now) {
      throw sqsError('MessageNotInflight', `Message ${message.messageId} is not in flight.`);
    }
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    this.changed();
  }

  purge(): void {
    this.stored.clear();
    this.changed();
  }

  counts(): ApproximateCounts {
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.current()) counts[this.stateOf(message)] += 1;
    return counts;
  }

  /** Messages hidden (in flight or delayed) that turn visible more than `ms` from now: parked by their consumer. */
  parkedBeyond(ms: number): number {
    const horizon = this.clock.now() + ms;
    return this.current().filter((message) => message.visibleAt > horizon).length;
  }

  messages(): QueuedMessage[] {
    return this.current().map((message) => ({
      messageId: message.messageId,
      body: message.body,
      messageAttributes: message.messageAttributes,
      state: this.stateOf(message),
      receiveCount: message.receiveCount,
      sentTimestamp: message.sentTimestamp,
    }));
  }

  /** Calls `listener` whenever a message arrives, leaves or changes visibility; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Takes a message moved here from a source queue's redrive: same id, body and sent time. */
  private acceptDeadLetter(message: StoredMessage, sourceArn: string): void {
    this.store({ ...message, deadLetterSourceArn: sourceArn, visibleAt: this.clock.now() });
  }

  private store(fields: Omit<StoredMessage, 'receiveCount' | 'firstReceiveTimestamp' | 'receiptHandle'>): StoredMessage {
    const message: StoredMessage = { ...fields, receiveCount: 0, firstReceiveTimestamp: undefined, receiptHandle: undefined };
    this.stored.set(message.messageId, message);
    this.changed();
    return message;
  }

  private takeVisible(maxMessages: number, visibilityTimeoutSeconds: number): ReceivedMessage[] {
    assertVisibilityTimeout(visibilityTimeoutSeconds);
    const now = this.clock.now();
    const received: ReceivedMessage[] = [];
    for (const message of this.current()) {
      if (received.length >= maxMessages) break;
      if (message.visibleAt > now) continue;
      if (this.exceedsMaxReceiveCount(message)) {
        this.moveToDeadLetterQueue(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = newReceiptHandle(this.name, message.messageId);
      received.push(toReceived(message, message.receiptHandle));
    }
    return received;
  }

  // AWS moves a message when a receive would take it past maxReceiveCount, not when the count is reached.
  private exceedsMaxReceiveCount(message: StoredMessage): boolean {
    const policy = this.settings.redrivePolicy;
    return policy !== undefined && this.deadLetterQueue !== undefined && message.receiveCount >= policy.maxReceiveCount;
  }

  private moveToDeadLetterQueue(message: StoredMessage): void {
    this.stored.delete(message.messageId);
    this.logger.warn('sqs: message moved to the dead-letter queue', {
      queue: this.name,
      deadLetterQueue: this.deadLetterQueue!.name,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
    });
    this.deadLetterQueue!.acceptDeadLetter(message, this.arn);
    this.changed();
  }

  private messageFor(receiptHandle: string): StoredMessage | undefined {
    const { queueName, messageId } = parseReceiptHandle(receiptHandle);
    if (queueName !== this.name) {
      throw sqsError('ReceiptHandleIsInvalid', `The receipt handle belongs to queue ${queueName}, not ${this.name}.`);
    }
    this.current();
    return this.stored.get(messageId);
  }

  /** The messages still within the retention period; expired ones are dropped on the way. */
  private current(): StoredMessage[] {
    const oldestKept = this.clock.now() - this.settings.messageRetentionSeconds * 1000;
    let dropped = false;
    for (const message of this.stored.values()) {
      if (message.sentTimestamp <= oldestKept) {
        this.stored.delete(message.messageId);
        dropped = true;
      }
    }
    if (dropped) this.changed();
    return [...this.stored.values()];
  }

  private stateOf(message: StoredMessage): MessageState {
    if (message.visibleAt <= this.clock.now()) return 'visible';
    return message.receiveCount === 0 ? 'delayed' : 'inFlight';
  }

  /** Resolves on any change to the queue, when the next hidden message turns visible, at the deadline, or on abort. */
  private waitForChange(deadline: number, signal: AbortSignal | undefined, deferrableDeadline: boolean): Promise<void> {
    return new Promise((resolve) => {
      let nextVisible = deadline;
      for (const message of this.stored.values()) nextVisible = Math.min(nextVisible, message.visibleAt);
      // Only a wait that ends at a message turning visible must keep its moment through a clock jump.
      const deferrable = deferrableDeadline && nextVisible >= deadline;
      const wake = (): void => {
        this.wakeReceivers.delete(wake);
        cancelTimer();
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.wakeReceivers.add(wake);
      const cancelTimer = this.clock.setTimer(wake, Math.max(0, nextVisible - this.clock.now()), { deferrable });
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  private changed(): void {
    for (const wake of [...this.wakeReceivers]) wake();
    for (const listener of [...this.changeListeners]) listener();
  }
}

function assertVisibilityTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${MAX_VISIBILITY_TIMEOUT_SECONDS}.`,
    );
  }
}

function assertDelaySeconds(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_DELAY_SECONDS) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${seconds} for parameter DelaySeconds is invalid. Reason: Must be between 0 and ${MAX_DELAY_SECONDS}.`,
    );
  }
}

function toReceived(message: StoredMessage, receiptHandle: string): ReceivedMessage {
  return {
    messageId: message.messageId,
    receiptHandle,
    body: message.body,
    md5OfBody: message.md5OfBody,
    messageAttributes: message.messageAttributes,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
      ...(message.deadLetterSourceArn === undefined ? {} : { DeadLetterQueueSourceArn: message.deadLetterSourceArn }),
    },
  };
}
