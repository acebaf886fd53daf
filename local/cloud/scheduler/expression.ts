import { CronFieldError, matchingWallMinutes, parseCronFields, type CronFields } from './cron.ts';
import { ScheduleExpressionError } from './errors.ts';
import { TimeZone, daysInMonth, type WallTime } from './time-zone.ts';

/** A parsed `rate(…)`, `cron(…)` or `at(…)` expression, evaluated in its time zone. */
export interface ScheduleExpression {
  readonly kind: 'rate' | 'cron' | 'at';
  /** The expression as written, e.g. `rate(1 minute)`. */
  readonly expression: string;
  readonly timeZone: string;
  /**
   * The first firing strictly after `afterMs`, or `undefined` when there is none (a one-time
   * schedule already past, a cron whose years have passed). A rate fires at `anchorMs + k·period`
   * for k ≥ 0; the anchor defaults to `afterMs`, so the first firing is one period later.
   */
  nextAfter(afterMs: number, anchorMs?: number): number | undefined;
}

const RATE_UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/**
 * Parses an EventBridge Scheduler expression. `timeZone` is `ScheduleExpressionTimezone`; cron and
 * at expressions are read on that zone's wall clock, daylight saving included (a wall time the
 * clock skips does not fire; one it repeats fires once). Rates ignore it, as on AWS.
 */
export function parseScheduleExpression(expression: string, timeZone = 'UTC'): ScheduleExpression {
  let zone: TimeZone;
  try {
    zone = TimeZone.of(timeZone);
  } catch (error) {
    throw new ScheduleExpressionError(expression, (error as Error).message);
  }
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateExpression(expression, rate[1]!, zone);
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronExpression(expression, cron[1]!, zone);
  const at = /^at\((.*)\)$/.exec(expression);
  if (at) return atExpression(expression, at[1]!, zone);
  throw new ScheduleExpressionError(expression, 'it must be rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)');
}

function rateExpression(expression: string, body: string, zone: TimeZone): ScheduleExpression {
  const match = /^(\d+) (\w+)$/.exec(body);
  const unitMs = match ? RATE_UNIT_MS[match[2]!] : undefined;
  if (!match || unitMs === undefined) {
    throw new ScheduleExpressionError(expression, 'a rate is rate(value unit) with unit minute(s), hour(s) or day(s)');
  }
  const value = Number(match[1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new ScheduleExpressionError(expression, `rate value must be a whole number ≥ 1, found ${match[1]}`);
  const periodMs = value * unitMs;
  return {
    kind: 'rate',
    expression,
    timeZone: zone.name,
    nextAfter(afterMs, anchorMs = afterMs) {
      const periods = afterMs < anchorMs ? 0 : Math.floor((afterMs - anchorMs) / periodMs) + 1;
      return anchorMs + periods * periodMs;
    },
  };
}

function cronExpression(expression: string, body: string, zone: TimeZone): ScheduleExpression {
  let fields: CronFields;
  try {
    fields = parseCronFields(body);
  } catch (error) {
    if (error instanceof CronFieldError) throw new ScheduleExpressionError(expression, error.message, error.unsupported);
    throw error;
  }
  return {
    kind: 'cron',
    expression,
    timeZone: zone.name,
    nextAfter(afterMs) {
      // Cron fires on whole minutes; the search starts at the wall minute after `afterMs`.
      const now = zone.wallTime(afterMs);
      const next = new Date(Date.UTC(now.year, now.month - 1, now.day, now.hour, now.minute + 1));
      const start = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: next.getUTCHours(), minute: next.getUTCMinutes() };
      for (const wall of matchingWallMinutes(fields, start)) {
        // Skipped by a spring-forward gap: no instant. Repeated by a fall-back: the first only.
        const instant = zone.instantsOf({ ...wall, second: 0 })[0];
        if (instant !== undefined && instant > afterMs) return instant;
      }
      return undefined;
    },
  };
}

function atExpression(expression: string, body: string, zone: TimeZone): ScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) throw new ScheduleExpressionError(expression, 'a one-time schedule is at(yyyy-mm-ddThh:mm:ss), without offset or fraction');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new ScheduleExpressionError(expression, `${body} is not a date and time`);
  }
  const wall: WallTime = { year, month, day, hour, minute, second };
  const instant = zone.instantsOf(wall)[0];
  if (instant === undefined) throw new ScheduleExpressionError(expression, `${body} does not exist in ${zone.name} (the clock skips it for daylight saving)`);
  return {
    kind: 'at',
    expression,
    timeZone: zone.name,
    nextAfter: (afterMs) => (instant > afterMs ? instant : undefined),
  };
}
