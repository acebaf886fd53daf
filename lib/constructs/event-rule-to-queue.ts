import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import { Rule } from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { createDeadLetterQueue, DurableQueue, type DurableQueueProps } from './durable-queue.ts';

export interface EventRuleToQueueProps extends DurableQueueProps {
  readonly bus: events.IEventBus;
  readonly eventPattern: events.EventPattern;
  readonly description: string;
  /** Delivery retries before the event goes to the target DLQ (0–185). @default 8 */
  readonly retryAttempts?: number;
  /** Oldest event EventBridge still tries to deliver (60 s–24 h). @default 2 hours */
  readonly maxEventAge?: Duration;
}

/**
 * A bus rule delivering into a durable queue, the pattern every consumer of the bus repeats.
 * Two dead-letter queues, because there are two ways to fail: EventBridge cannot deliver to the
 * queue (target DLQ), or the consumer keeps failing on a message (the queue's own DLQ).
 */
export class EventRuleToQueue extends Construct {
  public readonly rule: Rule;
  public readonly queue: DurableQueue;
  public readonly deliveryDeadLetterQueue: DurableQueue['deadLetterQueue'];

  constructor(scope: Construct, id: string, props: EventRuleToQueueProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 8;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
      throw new Error(`EventRuleToQueue ${id}: retryAttempts must be an integer from 0 to 185, received ${retryAttempts}`);
    }
    this.queue = new DurableQueue(this, 'Buffer', props);
    this.deliveryDeadLetterQueue = createDeadLetterQueue(this, 'Undelivered', props.removalPolicy);
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: props.description,
      eventPattern: props.eventPattern,
    });
    this.rule.addTarget(
      new targets.SqsQueue(this.queue.queue, {
        retryAttempts,
        maxEventAge: props.maxEventAge ?? Duration.hours(2),
        deadLetterQueue: this.deliveryDeadLetterQueue,
      }),
    );
  }
}
