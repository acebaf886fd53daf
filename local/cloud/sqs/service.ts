import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type Clock,
  type JsonProtocolService,
  type LocalLogger,
} from '../contracts.ts';
import { queueDoesNotExist, sqsError } from './errors.ts';
import { stringAttributes } from './message.ts';
import { queueNameFromUrl, sqsOperations, type QueueDirectory } from './protocol.ts';
import { SqsQueue, type ApproximateCounts, type QueuedMessage, type RedrivePolicy, type SentMessage } from './queue.ts';

export interface SqsServiceOptions {
  readonly clock: Clock;
  readonly logger: LocalLogger;
  /** The local endpoint's base URL; queue URLs are `${endpointUrl}/${LOCAL_ACCOUNT}/${name}`. */
  readonly endpointUrl: string;
}

export interface CreateQueueOptions {
  readonly name: string;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 345600 (4 days) */
  readonly messageRetentionSeconds?: number;
  /** @default 0 */
  readonly delaySeconds?: number;
  /** @default 0 */
  readonly receiveWaitTimeSeconds?: number;
  /** The dead-letter queue must already exist, as CloudFormation's dependency order ensures. */
  readonly redrivePolicy?: RedrivePolicy;
  /** FIFO queues are not emulated; `true` is refused so the gap is never silent. */
  readonly fifo?: false;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Amazon SQS standard queues, reached through the local endpoint and in-process. */
export class SqsService implements JsonProtocolService {
  readonly targetPrefix = 'AmazonSQS';
  private readonly queues = new Map<string, SqsQueue>();
  private readonly operations;

  constructor(private readonly options: SqsServiceOptions) {
    const directory: QueueDirectory = {
      byUrl: (url) => this.queueByUrl(url),
      byName: (name) => this.queues.get(name),
      all: () => [...this.queues.values()],
    };
    this.operations = sqsOperations(directory);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    const run = this.operations[operation];
    if (run === undefined) throw sqsError('UnsupportedOperation', `SQS operation ${operation} is not emulated by the local cloud.`);
    return run(input);
  }

  createQueue(options: CreateQueueOptions): { arn: string; url: string } {
    const { name } = options;
    // `fifo` is typed `false`, but a caller reading a template may still pass true.
    if ((options.fifo as unknown) === true || name.endsWith('.fifo')) {
      throw new Error(`queue ${name}: FIFO queues are not supported by the local cloud`);
    }
    if (!QUEUE_NAME.test(name)) throw new Error(`queue name must be 1–80 of [A-Za-z0-9_-], received "${name}"`);
    if (this.queues.has(name)) throw new Error(`queue ${name} already exists`);
    const deadLetterQueue = this.deadLetterQueueFor(name, options.redrivePolicy);
    const settings = {
      name,
      arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
      url: `${this.options.endpointUrl.replace(/\/+$/, '')}/${LOCAL_ACCOUNT}/${name}`,
      visibilityTimeoutSeconds: inRange('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds ?? 30, 0, 43_200),
      messageRetentionSeconds: inRange('messageRetentionSeconds', options.messageRetentionSeconds ?? 345_600, 60, 1_209_600),
      delaySeconds: inRange('delaySeconds', options.delaySeconds ?? 0, 0, 900),
      receiveWaitTimeSeconds: inRange('receiveWaitTimeSeconds', options.receiveWaitTimeSeconds ?? 0, 0, 20),
      ...(options.redrivePolicy === undefined ? {} : { redrivePolicy: options.redrivePolicy }),
      createdTimestamp: this.options.clock.now(),
    };
    this.queues.set(name, new SqsQueue(settings, deadLetterQueue, this.options.clock, this.options.logger));
    this.options.logger.info('sqs: queue created', { queue: name, deadLetterQueue: deadLetterQueue?.name });
    return { arn: settings.arn, url: settings.url };
  }

  /** For the other emulated services (an EventBridge target, a Step Functions integration). */
  async sendMessage(queueArnOrUrl: string, body: string, messageAttributes: Record<string, string> = {}): Promise<SentMessage> {
    return this.requireQueue(queueArnOrUrl).send(body, stringAttributes(messageAttributes));
  }

  queueByArn(arn: string): SqsQueue | undefined {
    const name = arn.split(':')[5];
    const queue = name === undefined ? undefined : this.queues.get(name);
    return queue?.arn === arn ? queue : undefined;
  }

  /** Every message still in the queue, with its state, for tests and the CLI. */
  messages(queueArn: string): QueuedMessage[] {
    return this.requireQueue(queueArn).messages();
  }

  approximateCounts(queueArn: string): ApproximateCounts {
    return this.requireQueue(queueArn).counts();
  }

  private requireQueue(queueArnOrUrl: string): SqsQueue {
    if (queueArnOrUrl.startsWith('arn:')) {
      const queue = this.queueByArn(queueArnOrUrl);
      if (queue === undefined) throw queueDoesNotExist(queueArnOrUrl);
      return queue;
    }
    return this.queueByUrl(queueArnOrUrl);
  }

  // The host is not compared: functions may reach the endpoint as localhost or 127.0.0.1.
  private queueByUrl(queueUrl: string): SqsQueue {
    const name = queueNameFromUrl(queueUrl);
    const queue = name === undefined ? undefined : this.queues.get(name);
    if (queue === undefined) throw queueDoesNotExist(queueUrl);
    return queue;
  }

  private deadLetterQueueFor(name: string, policy: RedrivePolicy | undefined): SqsQueue | undefined {
    if (policy === undefined) return undefined;
    if (!Number.isInteger(policy.maxReceiveCount) || policy.maxReceiveCount < 1 || policy.maxReceiveCount > 1000) {
      throw new Error(`queue ${name}: redrive maxReceiveCount must be 1–1000, received ${policy.maxReceiveCount}`);
    }
    const deadLetterQueue = this.queueByArn(policy.deadLetterTargetArn);
    if (deadLetterQueue === undefined) {
      throw new Error(`queue ${name}: dead-letter target ${policy.deadLetterTargetArn} does not exist; create it first`);
    }
    return deadLetterQueue;
  }
}

function inRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${field} must be an integer ${min}–${max}, received ${value}`);
  }
  return value;
}
