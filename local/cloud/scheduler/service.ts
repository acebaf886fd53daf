import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION, arnService, type Clock, type InvokeResult, type LocalLogger } from '../contracts.ts';
import { InFlightWork } from '../eventbridge/in-flight.ts';
import { ScheduleDefinitionError, ScheduledInvocationError } from './errors.ts';
import { parseScheduleExpression, type ScheduleExpression } from './expression.ts';
import { schedulerTime, targetInputText } from './target-input.ts';
import { awsErrorCode, errorMessage } from '../error-code.ts';

/** How the scheduler reaches a Lambda function. */
export interface ScheduleTargetInvoker {
  /**
   * Lambda's Invoke with InvocationType `Event`, which is how EventBridge Scheduler calls a
   * function: resolves once Lambda accepted the event and rejects when it refused it. Only a
   * refusal counts against the schedule's RetryPolicy; the function's own errors are Lambda's
   * business (its async retries, then the function's dead-letter queue), as on AWS.
   */
  invokeAsync(functionArn: string, event: unknown): Promise<void>;
  /** RequestResponse, for `runNow`. */
  invoke(functionArn: string, event: unknown): Promise<InvokeResult>;
}

/** Where an invocation goes once its retries are exhausted: the schedule's SQS dead-letter queue. */
export interface ScheduleDeadLetterQueue {
  sendToDeadLetter(queueArn: string, body: string, attributes: Readonly<Record<string, string>>): Promise<void>;
}

export interface ScheduleRetryPolicy {
  /** 0–185. @default 185 */
  readonly maximumRetryAttempts?: number;
  /** 60–86400. @default 86400 */
  readonly maximumEventAgeInSeconds?: number;
}

export interface ScheduleDefinition {
  readonly name: string;
  /** Other names `runNow` knows the schedule by, such as its logical id and CDK path. */
  readonly aliases?: readonly string[];
  /** `rate(…)`, `cron(…)` or `at(…)`. */
  readonly expression: string;
  /** IANA zone that cron and at expressions are read in. @default 'UTC' */
  readonly timeZone?: string;
  /** @default 'ENABLED' */
  readonly state?: 'ENABLED' | 'DISABLED';
  /** Epoch milliseconds before which it does not fire; a rate's firings count from here. */
  readonly startDate?: number;
  /** Epoch milliseconds from which it no longer fires. */
  readonly endDate?: number;
  readonly target: {
    /** A Lambda function ARN. */
    readonly arn: string;
    /** JSON text, optionally with `<aws.scheduler.…>` context attributes; `{}` when absent. */
    readonly input?: string;
    readonly retryPolicy?: ScheduleRetryPolicy;
    /** An SQS queue ARN. */
    readonly deadLetterArn?: string;
  };
}

export interface ScheduleSummary {
  readonly name: string;
  readonly arn: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly targetArn: string;
  /** When it fires next on the clock; absent when it will not fire by itself. */
  readonly nextFireAt?: number;
}

/** `clock`: schedules fire on the local clock. `manual`: they fire only through `runNow`. */
export type ScheduleMode = 'clock' | 'manual';

export interface SchedulerServiceOptions {
  readonly clock: Clock;
  readonly logger: LocalLogger;
  readonly invoker: ScheduleTargetInvoker;
  readonly deadLetters: ScheduleDeadLetterQueue;
  /** @default 'clock' */
  readonly mode?: ScheduleMode;
  /** Wait before the first retry, in clock milliseconds; it doubles up to 256 times. @default 1000 */
  readonly retryBaseDelayMs?: number;
}

/** EventBridge Scheduler's defaults when a target has no RetryPolicy. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
const MAX_BACKOFF_FACTOR = 256;
/** Long waits are taken in steps, since a Node.js timer cannot wait longer than about 24.8 days. */
const MAX_TIMER_STEP_MS = 6 * 3_600_000;
const SCHEDULE_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

interface Schedule {
  readonly definition: ScheduleDefinition;
  readonly arn: string;
  readonly expression: ScheduleExpression;
  anchor: number;
  nextFireAt?: number;
  cancelTimer?: () => void;
}

type Exhausted = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

export function scheduleArn(name: string): string {
  return `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${name}`;
}

/**
 * EventBridge Scheduler for schedules in the default group with Lambda targets. Firings run on the
 * local clock; each one is handed to the target in the background with the schedule's retry
 * policy, then dead-lettered.
 */
export class SchedulerService {
  private readonly schedules = new Map<string, Schedule>();
  private readonly work: InFlightWork;
  private readonly manualRuns = new Set<Promise<unknown>>();
  private readonly mode: ScheduleMode;
  private readonly retryBaseDelayMs: number;
  private started = false;
  private stopped = false;

  constructor(private readonly options: SchedulerServiceOptions) {
    this.work = new InFlightWork(options.clock);
    this.mode = options.mode ?? 'clock';
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
  }

  /** Checks and registers a schedule; it fires once the service has started. */
  addSchedule(definition: ScheduleDefinition): void {
    const { name, target } = definition;
    const fail = (reason: string, unsupported = false): never => {
      throw new ScheduleDefinitionError(name, reason, unsupported);
    };
    if (!SCHEDULE_NAME.test(name)) fail('a name must be 1–64 of [0-9a-zA-Z-_.]');
    if (this.schedules.has(name)) fail('a schedule with this name already exists');
    if (!target.arn.startsWith('arn:') || arnService(target.arn) !== 'lambda') fail(`target ${target.arn} (only Lambda function targets)`, true);
    if (target.deadLetterArn !== undefined && (!target.deadLetterArn.startsWith('arn:') || arnService(target.deadLetterArn) !== 'sqs')) {
      fail(`dead-letter target ${target.deadLetterArn} (only SQS queues)`, true);
    }
    const retry = target.retryPolicy;
    if (retry?.maximumRetryAttempts !== undefined && !isWholeIn(retry.maximumRetryAttempts, 0, 185)) {
      fail(`MaximumRetryAttempts must be a whole number 0–185, received ${retry.maximumRetryAttempts}`);
    }
    if (retry?.maximumEventAgeInSeconds !== undefined && !isWholeIn(retry.maximumEventAgeInSeconds, 60, 86_400)) {
      fail(`MaximumEventAgeInSeconds must be a whole number 60–86400, received ${retry.maximumEventAgeInSeconds}`);
    }
    if (definition.startDate !== undefined && definition.endDate !== undefined && definition.endDate <= definition.startDate) {
      fail('EndDate must be after StartDate');
    }
    const arn = scheduleArn(name);
    const sample = targetInputText(target.input, { scheduleArn: arn, scheduledTime: 0, executionId: 'sample', attemptNumber: 1 });
    try {
      JSON.parse(sample);
    } catch {
      fail(`the Input of a Lambda target must be JSON, received ${JSON.stringify(target.input)}`);
    }
    const expression = parseScheduleExpression(definition.expression, definition.timeZone ?? 'UTC');
    const schedule: Schedule = { definition, arn, expression, anchor: this.options.clock.now() };
    this.schedules.set(name, schedule);
    if (this.started) this.arm(schedule);
  }

  /** Starts firing (in `clock` mode); a rate's first firing is one period from now. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const schedule of this.schedules.values()) this.arm(schedule);
  }

  /**
   * Fires a schedule now, whatever its state and mode: one synchronous invocation of its target,
   * without retries. Resolves with the function's result; rejects with its error.
   */
  async runNow(nameOrSuffix: string): Promise<unknown> {
    if (this.stopped) throw new Error('the scheduler is stopped');
    const schedule = this.find(nameOrSuffix);
    const { name, target } = schedule.definition;
    const scheduledTime = this.options.clock.now();
    const text = targetInputText(target.input, { scheduleArn: schedule.arn, scheduledTime, executionId: randomUUID(), attemptNumber: 1 });
    this.options.logger.info('scheduler: run by hand', { schedule: name, targetArn: target.arn });
    const run = this.options.invoker.invoke(target.arn, JSON.parse(text));
    const tracked = run.then(
      () => undefined,
      () => undefined,
    );
    this.manualRuns.add(tracked);
    void tracked.finally(() => this.manualRuns.delete(tracked));
    const result = await run;
    if (result.ok) return result.payload;
    throw new ScheduledInvocationError(name, result.errorType, result.errorMessage, result.trace);
  }

  list(): ScheduleSummary[] {
    return [...this.schedules.values()].map(({ definition, arn, expression, nextFireAt }) => ({
      name: definition.name,
      arn,
      expression: definition.expression,
      timeZone: expression.timeZone,
      state: definition.state ?? 'ENABLED',
      targetArn: definition.target.arn,
      ...(nextFireAt === undefined ? {} : { nextFireAt }),
    }));
  }

  /** Invocations still being handed over, retried or run by hand. */
  pendingDeliveries(): number {
    return this.work.count + this.manualRuns.size;
  }

  /** Invocations being handed over or run by hand right now; those waiting on the clock to retry are left out. */
  activeDeliveries(): number {
    return this.work.activeCount + this.manualRuns.size;
  }

  /** Resolves once no invocation is in flight; future firings are not waited for. */
  async idle(): Promise<void> {
    while (this.pendingDeliveries() > 0) {
      await this.work.idle();
      await Promise.all([...this.manualRuns]);
    }
  }

  /** Cancels every timer and pending retry; nothing fires afterwards. */
  stop(): void {
    this.stopped = true;
    for (const schedule of this.schedules.values()) {
      schedule.cancelTimer?.();
      schedule.cancelTimer = undefined;
      schedule.nextFireAt = undefined;
    }
    this.work.stop();
  }

  private find(nameOrSuffix: string): Schedule {
    const all = [...this.schedules.values()];
    const keys = (schedule: Schedule) => [schedule.definition.name, ...(schedule.definition.aliases ?? [])];
    const exact = all.filter((schedule) => keys(schedule).includes(nameOrSuffix));
    const matches = exact.length > 0 ? exact : all.filter((schedule) => keys(schedule).some((key) => key.endsWith(nameOrSuffix)));
    if (matches.length === 1) return matches[0]!;
    const names = (list: Schedule[]) => list.map((schedule) => schedule.definition.name).join(', ') || 'none';
    if (matches.length === 0) throw new Error(`no schedule is named or ends with "${nameOrSuffix}"; schedules: ${names(all)}`);
    throw new Error(`"${nameOrSuffix}" matches several schedules: ${names(matches)}`);
  }

  private arm(schedule: Schedule): void {
    if (this.mode !== 'clock' || this.stopped || (schedule.definition.state ?? 'ENABLED') !== 'ENABLED') return;
    schedule.anchor = schedule.definition.startDate ?? this.options.clock.now();
    this.armAfter(schedule, this.options.clock.now());
  }

  private armAfter(schedule: Schedule, afterMs: number): void {
    const { startDate, endDate, name } = schedule.definition;
    const from = startDate === undefined ? afterMs : Math.max(afterMs, startDate - 1);
    const next = schedule.expression.nextAfter(from, schedule.anchor);
    if (next === undefined || (endDate !== undefined && next >= endDate)) {
      schedule.nextFireAt = undefined;
      this.options.logger.info('scheduler: schedule will not fire again', { schedule: name });
      return;
    }
    schedule.nextFireAt = next;
    this.timerUntil(schedule, next);
  }

  /**
   * The timer is deferrable (see `TimerOptions`): when the clock jumps over its firings
   * (`Clock.advance`, `LocalCloud.fastForward`), it fires once, at the end of the jump, and `fire`
   * coalesces what was missed.
   */
  private timerUntil(schedule: Schedule, at: number): void {
    const delay = at - this.options.clock.now();
    const stepped = delay > MAX_TIMER_STEP_MS;
    schedule.cancelTimer = this.options.clock.setTimer(
      () => {
        schedule.cancelTimer = undefined;
        if (stepped) this.timerUntil(schedule, at);
        else this.fire(schedule, at);
      },
      stepped ? MAX_TIMER_STEP_MS : delay,
      { deferrable: true },
    );
  }

  /**
   * Runs the target once for the firing due at `scheduledTime`, then arms the next one. A firing
   * that runs late by more than a period (the clock jumped over days, or the process was
   * suspended) is coalesced: the missed firings do not run, this one runs once (with its own
   * scheduled time), and the next firing is the expression's first one after the current time.
   * Real EventBridge Scheduler never sees time jump, so it never has to choose; replaying every
   * missed `rate(1 minute)` run of a two-day fast-forward (2,880 of them) would only flood the
   * local cloud with work no one asked for.
   */
  private fire(schedule: Schedule, scheduledTime: number): void {
    if (this.stopped) return;
    const executionId = randomUUID();
    const now = this.options.clock.now();
    const nextOnTime = schedule.expression.nextAfter(scheduledTime, schedule.anchor);
    const coalesced = nextOnTime !== undefined && nextOnTime <= now;
    this.options.logger.info(coalesced ? 'scheduler: fired late; missed firings coalesced into this one' : 'scheduler: fired', {
      schedule: schedule.definition.name,
      scheduledTime: schedulerTime(scheduledTime),
      executionId,
      ...(coalesced ? { lateByMs: now - scheduledTime } : {}),
    });
    this.work.start(() => this.deliver(schedule, scheduledTime, executionId));
    this.armAfter(schedule, Math.max(scheduledTime, now));
  }

  private async deliver(schedule: Schedule, scheduledTime: number, executionId: string): Promise<void> {
    const { clock, logger, invoker } = this.options;
    const { target, name } = schedule.definition;
    const maxRetries = target.retryPolicy?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs = (target.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    for (let retries = 0; ; retries++) {
      const body = targetInputText(target.input, { scheduleArn: schedule.arn, scheduledTime, executionId, attemptNumber: retries + 1 });
      try {
        await invoker.invokeAsync(target.arn, JSON.parse(body));
        logger.info('scheduler: target invoked', { schedule: name, targetArn: target.arn, executionId, retries });
        return;
      } catch (error) {
        const delayMs = this.retryBaseDelayMs * Math.min(2 ** retries, MAX_BACKOFF_FACTOR);
        const exhausted: Exhausted | undefined =
          retries >= maxRetries ? 'MaximumRetryAttempts' : clock.now() + delayMs - scheduledTime > maxAgeMs ? 'MaximumEventAgeInSeconds' : undefined;
        if (exhausted) {
          await this.deadLetter(schedule, body, error, exhausted, retries);
          return;
        }
        logger.warn('scheduler: invocation failed, will retry', { schedule: name, targetArn: target.arn, retry: retries + 1, delayMs, error: errorMessage(error) });
        if (!(await this.work.wait(delayMs))) return;
      }
    }
  }

  private async deadLetter(schedule: Schedule, body: string, error: unknown, exhausted: Exhausted, retries: number): Promise<void> {
    const { logger, deadLetters } = this.options;
    const { target, name } = schedule.definition;
    const details = { schedule: name, targetArn: target.arn, exhausted, retries, error: errorMessage(error) };
    if (target.deadLetterArn === undefined) {
      logger.error('scheduler: invocation dropped: retries exhausted and the schedule has no dead-letter queue', details);
      return;
    }
    const attributes = {
      ERROR_CODE: awsErrorCode(error),
      ERROR_MESSAGE: errorMessage(error),
      EXHAUSTED_RETRY_CONDITION: exhausted,
      RETRY_ATTEMPTS: String(retries),
      SCHEDULE_ARN: schedule.arn,
      TARGET_ARN: target.arn,
    };
    try {
      await deadLetters.sendToDeadLetter(target.deadLetterArn, body, attributes);
      logger.warn('scheduler: invocation dead-lettered', { ...details, deadLetterArn: target.deadLetterArn });
    } catch (dlqError) {
      logger.error('scheduler: invocation dropped: dead-letter delivery failed', { ...details, dlqError: errorMessage(dlqError) });
    }
  }
}

function isWholeIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
