import { afterEach, describe, expect, it } from 'vitest';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION, createClock, silentLogger, type Clock, type InvokeResult } from '../../local/cloud/contracts.ts';
import { ScheduleDefinitionError } from '../../local/cloud/scheduler/errors.ts';
import {
  SchedulerService,
  type ScheduleDeadLetterQueue,
  type ScheduleDefinition,
  type ScheduleMode,
  type ScheduleTargetInvoker,
} from '../../local/cloud/scheduler/service.ts';

const FUNCTION = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:poll-stock`;
const DLQ = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:scheduler-dlq`;
const T0 = Date.parse('2025-01-01T10:00:00Z');
const MINUTE = 60_000;

/** Time that moves only when the test says so; timers run in order as it passes. */
class ManualClock implements Clock {
  private current = T0;
  private readonly timers: { at: number; fn: () => void }[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, ms));
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running each timer due on the way and the work it starts. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
    await settle();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A Lambda that records what it was given and can be told to refuse event invocations. */
class FakeFunctions implements ScheduleTargetInvoker {
  readonly attempts: { arn: string; event: unknown; at: number }[] = [];
  readonly accepted: { arn: string; event: unknown; at: number }[] = [];
  refusals = 0;
  result: InvokeResult = { ok: true, payload: { polled: true } };

  constructor(private readonly clock: Clock) {}

  async invokeAsync(arn: string, event: unknown): Promise<void> {
    this.attempts.push({ arn, event, at: this.clock.now() });
    if (this.refusals > 0) {
      this.refusals -= 1;
      throw new AwsServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
    }
    this.accepted.push({ arn, event, at: this.clock.now() });
  }

  async invoke(arn: string, event: unknown): Promise<InvokeResult> {
    this.attempts.push({ arn, event, at: this.clock.now() });
    return this.result;
  }
}

class FakeDeadLetters implements ScheduleDeadLetterQueue {
  readonly sent: { queueArn: string; body: string; attributes: Readonly<Record<string, string>> }[] = [];
  async sendToDeadLetter(queueArn: string, body: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    this.sent.push({ queueArn, body, attributes });
  }
}

const services: SchedulerService[] = [];
afterEach(() => {
  for (const service of services.splice(0)) service.stop();
});

function setup(options: { mode?: ScheduleMode; clock?: Clock; retryBaseDelayMs?: number } = {}) {
  const clock = options.clock ?? new ManualClock();
  const functions = new FakeFunctions(clock);
  const deadLetters = new FakeDeadLetters();
  const service = new SchedulerService({ clock, logger: silentLogger, invoker: functions, deadLetters, mode: options.mode, retryBaseDelayMs: options.retryBaseDelayMs ?? 1000 });
  services.push(service);
  return { clock, functions, deadLetters, service };
}

function pollStock(extra: Partial<ScheduleDefinition> = {}, target: Partial<ScheduleDefinition['target']> = {}): ScheduleDefinition {
  return {
    name: 'poll-stock',
    aliases: ['PollStock', 'dev/Inventory/PollStock/Resource', 'dev/Inventory/PollStock'],
    expression: 'rate(1 minute)',
    target: { arn: FUNCTION, input: '{"job":"poll"}', ...target },
    ...extra,
  };
}

describe('firing on the clock', () => {
  it('fires a rate one period after start, then every period, with the Input as the event', async () => {
    // Prepare
    const { clock, functions, service } = setup();
    service.addSchedule(pollStock());
    service.start();
    expect(service.list()).toEqual([
      {
        name: 'poll-stock',
        arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/poll-stock`,
        expression: 'rate(1 minute)',
        timeZone: 'UTC',
        state: 'ENABLED',
        targetArn: FUNCTION,
        nextFireAt: T0 + MINUTE,
      },
    ]);

    // Act
    await (clock as ManualClock).advance(MINUTE - 1);
    const beforeFirst = functions.accepted.length;
    await (clock as ManualClock).advance(1 + 2 * MINUTE);

    // Assess
    expect(beforeFirst).toBe(0);
    expect(functions.accepted).toEqual([1, 2, 3].map((n) => ({ arn: FUNCTION, event: { job: 'poll' }, at: T0 + n * MINUTE })));
    expect(service.list()[0]!.nextFireAt).toBe(T0 + 4 * MINUTE);
  });

  it('sends {} without Input and substitutes context attributes into Input', async () => {
    // Prepare
    const { clock, functions, service } = setup();
    service.addSchedule({ name: 'sweep', expression: 'cron(0/15 * * * ? *)', target: { arn: FUNCTION } });
    service.addSchedule(
      pollStock({}, { input: '{"at":"<aws.scheduler.scheduled-time>","schedule":"<aws.scheduler.schedule-arn>","attempt":<aws.scheduler.attempt-number>}' }),
    );
    service.start();

    // Act
    await (clock as ManualClock).advance(15 * MINUTE);

    // Assess
    expect(functions.accepted.filter((entry) => JSON.stringify(entry.event) === '{}').map((entry) => entry.at)).toEqual([T0 + 15 * MINUTE]);
    expect(functions.accepted[0]!.event).toEqual({
      at: '2025-01-01T10:01:00Z',
      schedule: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/poll-stock`,
      attempt: 1,
    });
  });

  it('never fires a DISABLED schedule', async () => {
    const { clock, functions, service } = setup();
    service.addSchedule(pollStock({ state: 'DISABLED' }));
    service.start();

    await (clock as ManualClock).advance(60 * MINUTE);

    expect(functions.attempts).toEqual([]);
    expect(service.list()[0]).toMatchObject({ state: 'DISABLED' });
    expect(service.list()[0]!.nextFireAt).toBeUndefined();
  });

  it('fires from StartDate on and not from EndDate on', async () => {
    const { clock, functions, service } = setup();
    service.addSchedule(pollStock({ startDate: T0 + 10 * MINUTE, endDate: T0 + 12 * MINUTE }));
    service.start();

    await (clock as ManualClock).advance(30 * MINUTE);

    expect(functions.accepted.map((entry) => entry.at)).toEqual([T0 + 10 * MINUTE, T0 + 11 * MINUTE]);
    expect(service.list()[0]!.nextFireAt).toBeUndefined();
  });

  it('fires a one-time schedule once', async () => {
    const { clock, functions, service } = setup();
    service.addSchedule(pollStock({ expression: 'at(2025-01-01T10:30:00)' }));
    service.start();

    await (clock as ManualClock).advance(24 * 60 * MINUTE);

    expect(functions.accepted.map((entry) => entry.at)).toEqual([T0 + 30 * MINUTE]);
  });

  it('runs faster than real time on a fast clock', async () => {
    // A minute of clock time takes 20 ms.
    const { functions, service } = setup({ clock: createClock(3000) });
    service.addSchedule(pollStock());
    service.start();

    await new Promise((resolve) => setTimeout(resolve, 150));

    expect(functions.accepted.length).toBeGreaterThanOrEqual(3);
  });
});

describe('retries and dead-lettering', () => {
  it('retries a refused invocation with backoff, then succeeds', async () => {
    // Prepare
    const { clock, functions, deadLetters, service } = setup();
    functions.refusals = 2;
    service.addSchedule(pollStock({}, { input: '{"attempt":<aws.scheduler.attempt-number>}' }));
    service.start();

    // Act
    await (clock as ManualClock).advance(MINUTE + 3_000);

    // Assess: 1 s, then 2 s between attempts
    expect(functions.attempts.map((entry) => entry.at - T0 - MINUTE)).toEqual([0, 1_000, 3_000]);
    expect(functions.accepted).toEqual([{ arn: FUNCTION, event: { attempt: 3 }, at: T0 + MINUTE + 3_000 }]);
    expect(deadLetters.sent).toEqual([]);
    expect(service.pendingDeliveries()).toBe(0);
  });

  it('dead-letters the event with the error once MaximumRetryAttempts are spent', async () => {
    // Prepare
    const { clock, functions, deadLetters, service } = setup();
    functions.refusals = Number.POSITIVE_INFINITY;
    service.addSchedule(pollStock({}, { retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 }, deadLetterArn: DLQ }));
    service.start();

    // Act
    await (clock as ManualClock).advance(MINUTE + 10_000);

    // Assess
    expect(functions.attempts.filter((entry) => entry.at < T0 + 2 * MINUTE)).toHaveLength(3);
    expect(deadLetters.sent).toEqual([
      {
        queueArn: DLQ,
        body: '{"job":"poll"}',
        attributes: {
          ERROR_CODE: 'TooManyRequestsException',
          ERROR_MESSAGE: 'Rate Exceeded.',
          EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
          RETRY_ATTEMPTS: '2',
          SCHEDULE_ARN: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/poll-stock`,
          TARGET_ARN: FUNCTION,
        },
      },
    ]);
  });

  it('dead-letters once the next retry would pass MaximumEventAgeInSeconds', async () => {
    const { clock, functions, deadLetters, service } = setup({ retryBaseDelayMs: 30_000 });
    functions.refusals = Number.POSITIVE_INFINITY;
    service.addSchedule(pollStock({ expression: 'rate(1 day)' }, { retryPolicy: { maximumEventAgeInSeconds: 60 }, deadLetterArn: DLQ }));
    service.start();

    await (clock as ManualClock).advance(24 * 60 * MINUTE + 5 * MINUTE);

    // Attempts at +0 s and +30 s; the next would come at +90 s, past the 60 s age limit.
    expect(functions.attempts.map((entry) => entry.at - T0 - 24 * 60 * MINUTE)).toEqual([0, 30_000]);
    expect(deadLetters.sent.map((entry) => entry.attributes.EXHAUSTED_RETRY_CONDITION)).toEqual(['MaximumEventAgeInSeconds']);
  });

  it('idle() waits for retries in flight but not for the next firing', async () => {
    // Prepare: at 100× the first firing (a minute away) comes after 600 ms, the 20 s backoff takes
    // 200 ms and the second firing (5 minutes later) 3 s.
    const clock = createClock(100);
    const { functions, deadLetters, service } = setup({ clock, retryBaseDelayMs: 20_000 });
    functions.refusals = Number.POSITIVE_INFINITY;
    service.addSchedule(pollStock({ expression: 'rate(5 minutes)', startDate: clock.now() + MINUTE }, { retryPolicy: { maximumRetryAttempts: 1 }, deadLetterArn: DLQ }));
    service.start();
    while (functions.attempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Act
    const started = Date.now();
    await service.idle();

    // Assess: the retry and the dead-lettering were waited for, the next firing was not.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(functions.attempts).toHaveLength(2);
    expect(deadLetters.sent).toHaveLength(1);
    expect(service.pendingDeliveries()).toBe(0);
    expect(service.list()[0]!.nextFireAt).toBeGreaterThan(Date.now());
  });
});

describe('manual mode and runNow', () => {
  it('fires nothing by itself; runNow invokes once and resolves with the result', async () => {
    // Prepare
    const { clock, functions, service } = setup({ mode: 'manual' });
    service.addSchedule(pollStock());
    service.start();
    await (clock as ManualClock).advance(60 * MINUTE);
    expect(functions.attempts).toEqual([]);
    expect(service.list()[0]!.nextFireAt).toBeUndefined();

    // Act
    const byName = await service.runNow('poll-stock');
    const byLogicalId = await service.runNow('PollStock');
    const byPath = await service.runNow('Inventory/PollStock');

    // Assess
    expect([byName, byLogicalId, byPath]).toEqual([{ polled: true }, { polled: true }, { polled: true }]);
    expect(functions.attempts.map((entry) => entry.event)).toEqual([{ job: 'poll' }, { job: 'poll' }, { job: 'poll' }]);
    expect(functions.accepted).toEqual([]);
  });

  it('rejects with the function error, without retrying', async () => {
    const { functions, deadLetters, service } = setup({ mode: 'manual' });
    functions.result = { ok: false, errorType: 'StockFeedDown', errorMessage: 'WMS answered 503' };
    service.addSchedule(pollStock({}, { deadLetterArn: DLQ }));

    const error = await service.runNow('poll-stock').catch((thrown: unknown) => thrown as Error);

    expect(error).toMatchObject({ name: 'StockFeedDown', message: 'WMS answered 503', scheduleName: 'poll-stock' });
    expect(functions.attempts).toHaveLength(1);
    expect(deadLetters.sent).toEqual([]);
  });

  it('names the schedules when nothing or several match', async () => {
    const { service } = setup({ mode: 'manual' });
    service.addSchedule(pollStock());
    service.addSchedule(pollStock({ name: 'poll-prices', aliases: ['PollPrices', 'dev/Pricing/PollStock'] }));

    await expect(service.runNow('reconcile')).rejects.toThrow('no schedule is named or ends with "reconcile"; schedules: poll-stock, poll-prices');
    await expect(service.runNow('/PollStock')).rejects.toThrow('"/PollStock" matches several schedules: poll-stock, poll-prices');
    // An exact name or alias wins over suffixes.
    await expect(service.runNow('PollStock')).resolves.toEqual({ polled: true });
    await expect(service.runNow('Prices')).resolves.toEqual({ polled: true });
  });
});

describe('stopping', () => {
  it('cancels every timer and pending retry; nothing fires afterwards', async () => {
    // Prepare
    const { clock, functions, deadLetters, service } = setup();
    const manual = clock as ManualClock;
    functions.refusals = Number.POSITIVE_INFINITY;
    service.addSchedule(pollStock({}, { deadLetterArn: DLQ }));
    service.addSchedule(pollStock({ name: 'sweep', expression: 'cron(0 * * * ? *)' }));
    service.start();
    await manual.advance(MINUTE + 500);
    const attemptsAtStop = functions.attempts.length;
    expect(manual.pendingTimers).toBeGreaterThan(0);

    // Act
    service.stop();
    await manual.advance(24 * 60 * MINUTE);

    // Assess
    expect(manual.pendingTimers).toBe(0);
    expect(functions.attempts).toHaveLength(attemptsAtStop);
    expect(deadLetters.sent).toEqual([]);
    expect(service.list().every((schedule) => schedule.nextFireAt === undefined)).toBe(true);
    await expect(service.runNow('poll-stock')).rejects.toThrow('the scheduler is stopped');
  });
});

describe('checking a schedule', () => {
  it('refuses targets other than Lambda, bad input and bad policies, naming the schedule', () => {
    const { service } = setup();
    const attempt = (definition: ScheduleDefinition) => {
      try {
        service.addSchedule(definition);
      } catch (error) {
        return error as ScheduleDefinitionError;
      }
      throw new Error('accepted');
    };
    const queueTarget = attempt(pollStock({}, { arn: DLQ }));
    expect(queueTarget).toBeInstanceOf(ScheduleDefinitionError);
    expect(queueTarget.unsupported).toBe(true);
    expect(queueTarget.message).toBe(`schedule poll-stock: target ${DLQ} (only Lambda function targets) is not supported by the local cloud`);
    expect(attempt(pollStock({}, { input: 'poll now' })).message).toBe('schedule poll-stock: the Input of a Lambda target must be JSON, received "poll now"');
    expect(attempt(pollStock({}, { retryPolicy: { maximumRetryAttempts: 186 } })).message).toContain('MaximumRetryAttempts must be a whole number 0–185');
    expect(attempt(pollStock({}, { retryPolicy: { maximumEventAgeInSeconds: 30 } })).message).toContain('MaximumEventAgeInSeconds must be a whole number 60–86400');
    expect(attempt(pollStock({ expression: 'rate(1 fortnight)' })).message).toContain('schedule expression rate(1 fortnight) is not valid');
    service.addSchedule(pollStock());
    expect(attempt(pollStock()).message).toBe('schedule poll-stock: a schedule with this name already exists');
  });
});
