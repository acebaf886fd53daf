import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createDeadLetterQueue } from './durable-queue.ts';

export interface ScheduledJobProps {
  /** The function the schedule invokes; its failed runs go to the job's dead-letter queue too. */
  readonly function: lambda.Function;
  /** Physical schedule name, unique in the account and region (include the environment). */
  readonly scheduleName: string;
  readonly every: Duration;
  readonly description: string;
  /**
   * Invocation retries after a failure. A periodic job is soon run again anyway, so few are
   * needed. @default 2
   */
  readonly retryAttempts?: number;
}

/**
 * An EventBridge Scheduler schedule that invokes a function at a fixed rate, the way every
 * periodic job here runs (stock poll, reconciliation, expiry sweep), with one dead-letter queue
 * for both ways a run can be lost, so it is visible rather than silent:
 * - Scheduler could not hand the run to Lambda (throttled, function missing): the schedule's
 *   retry policy, then the schedule's DLQ;
 * - the function failed: Scheduler invokes asynchronously, so Lambda's own retries (two), then
 *   the function's DLQ, which is the same queue.
 */
export class ScheduledJob extends Construct {
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 2;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
      throw new Error(`ScheduledJob ${id}: retryAttempts must be an integer from 0 to 185, received ${retryAttempts}`);
    }
    if (props.every.toSeconds() < 60) throw new Error(`ScheduledJob ${id}: EventBridge Scheduler rates start at 1 minute, received ${props.every.toHumanString()}`);
    this.deadLetterQueue = createDeadLetterQueue(this, 'MissedRuns');
    const role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `Lets EventBridge Scheduler run ${props.scheduleName}`,
    });
    const fnResource = props.function.node.defaultChild as lambda.CfnFunction;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fnResource as CfnResource)}.Arn>:*]`,
      reason: `The Scheduler target grant for ${props.scheduleName} also allows ${props.function.node.path}'s versions and aliases (ARN suffix :*); the schedule invokes only the function itself`,
    });
    // An asynchronous invocation that keeps failing lands here after Lambda's retries, instead of being dropped.
    fnResource.deadLetterConfig = { targetArn: this.deadLetterQueue.queueArn };
    // Lambda needs only SendMessage for its DLQ (grantSendMessages would add GetQueueAttributes and GetQueueUrl).
    props.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: props.scheduleName,
      description: props.description,
      schedule: scheduler.ScheduleExpression.rate(props.every),
      target: new targets.LambdaInvoke(props.function, {
        role,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts,
        // A run older than one period is superseded by the next one; delivering it late only doubles work.
        maxEventAge: Duration.seconds(Math.max(60, props.every.toSeconds())),
      }),
    });
  }
}
