import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DurableQueueProps {
  /** Must exceed the consumer's timeout so a message is not redelivered while still in work. @default 60 s */
  readonly visibilityTimeout?: Duration;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An SQS queue with SSE, TLS-only access and a dead-letter queue that keeps failures for the
 * 14-day maximum, long enough to inspect and redrive after a holiday weekend.
 */
export class DurableQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DurableQueueProps = {}) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`DurableQueue ${id}: maxReceiveCount must be an integer from 1 to 1000, received ${maxReceiveCount}`);
    }
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetters', props.removalPolicy);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(60),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }
}

/**
 * A queue that only ever holds failures: encrypted, TLS-only, 14-day retention. It has no DLQ of
 * its own, because nothing consumes it automatically; ops inspect and redrive it.
 */
export function createDeadLetterQueue(scope: Construct, id: string, removalPolicy = RemovalPolicy.DESTROY): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue; failures stop here for ops to inspect and redrive',
  });
  return queue;
}
