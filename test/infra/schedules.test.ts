import { describe, expect, it } from 'vitest';
import { inventoryScheduleName } from '../../lib/stacks/inventory-stack.ts';
import { describeArn, referencedType, resourceAt, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface ScheduleProperties {
  readonly Name?: string;
  readonly ScheduleExpression?: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly FlexibleTimeWindow?: { readonly Mode?: string };
  readonly State?: string;
  readonly GroupName?: unknown;
  readonly Target?: {
    readonly Arn?: unknown;
    readonly RoleArn?: unknown;
    readonly Input?: unknown;
    readonly RetryPolicy?: { readonly MaximumRetryAttempts?: number; readonly MaximumEventAgeInSeconds?: number };
    readonly DeadLetterConfig?: { readonly Arn?: unknown };
  };
}
interface QueueProperties {
  readonly SqsManagedSseEnabled?: boolean;
  readonly MessageRetentionPeriod?: number;
  readonly RedrivePolicy?: unknown;
}

const synth = synthStage('dev');
const schedules = resourcesOfType<ScheduleProperties>(synth, 'AWS::Scheduler::Schedule');

/** The periodic jobs of the stage: how often each runs, and what it runs. */
const JOBS = [
  { job: 'StockPoll', name: inventoryScheduleName('dev', 'stock-poll'), rate: 'rate(1 minute)', periodSeconds: 60, fn: 'PollWarehouseStock' },
  { job: 'Reconciliation', name: inventoryScheduleName('dev', 'reconciliation'), rate: 'rate(15 minutes)', periodSeconds: 900, fn: 'ReconcileInventory' },
  { job: 'ExpirySweep', name: inventoryScheduleName('dev', 'reservation-expiry'), rate: 'rate(5 minutes)', periodSeconds: 300, fn: 'ReleaseExpiredReservations' },
] as const;

describe('scheduled jobs', () => {
  it('finds the three schedules of the stage, all in the inventory stack', () => {
    expect(schedules.map((schedule) => schedule.path).sort()).toEqual(JOBS.map(({ job }) => `dev/Inventory/${job}/Schedule/Resource`).sort());
    expect(schedules.every((schedule) => schedule.stack === 'inventory')).toBe(true);
  });

  it('runs periodic jobs only on EventBridge Scheduler: no bus rule has a schedule expression', () => {
    const scheduledRules = resourcesOfType<{ ScheduleExpression?: string }>(synth, 'AWS::Events::Rule').filter((rule) => rule.properties.ScheduleExpression !== undefined);
    expect(scheduledRules.map((rule) => rule.path)).toEqual([]);
  });

  describe.each(JOBS)('$job', ({ job, name, rate, periodSeconds, fn }) => {
    const schedule = () => resourceAt<ScheduleProperties>(synth, 'AWS::Scheduler::Schedule', `/Inventory/${job}/Schedule/Resource`);

    it(`is named ${name}, the name the local system and the ops tools run it by, and is enabled in the default group`, () => {
      expect(schedule().properties).toMatchObject({ Name: name, State: 'ENABLED' });
      expect(schedule().properties.GroupName, 'the default schedule group').toBeUndefined();
    });

    it(`runs at ${rate} (UTC), exactly on time`, () => {
      expect(schedule().properties).toMatchObject({ ScheduleExpression: rate, ScheduleExpressionTimezone: 'Etc/UTC', FlexibleTimeWindow: { Mode: 'OFF' } });
    });

    it(`invokes ${fn}, with no input, through its own role`, () => {
      const { stack, properties } = schedule();
      expect(describeArn(synth, stack, properties.Target?.Arn)).toBe(`dev/Inventory/${fn}/Function/Resource`);
      expect(properties.Target?.Input).toBeUndefined();
      expect(describeArn(synth, stack, properties.Target?.RoleArn)).toBe(`dev/Inventory/${job}/InvokeRole/Resource`);
    });

    it(`retries a failed hand-over twice, and gives a run up once it is one period (${periodSeconds} s) old, when the next run supersedes it`, () => {
      expect(schedule().properties.Target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: periodSeconds });
    });

    it('keeps a run it could not hand over in its own MissedRuns dead-letter queue: encrypted, kept 14 days, redriven by hand', () => {
      const { template, stack, properties } = schedule();
      const deadLetters = properties.Target?.DeadLetterConfig?.Arn;
      expect(referencedType(template, deadLetters)).toBe('AWS::SQS::Queue');
      expect(describeArn(synth, stack, deadLetters)).toBe(`dev/Inventory/${job}/MissedRuns/Resource`);
      const queue = resourceAt<QueueProperties>(synth, 'AWS::SQS::Queue', `/Inventory/${job}/MissedRuns/Resource`);
      expect(queue.properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(queue.properties.RedrivePolicy, 'a dead-letter queue has no dead-letter queue of its own').toBeUndefined();
    });
  });
});
