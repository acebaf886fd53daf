import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '../../local/cloud/scheduler/errors.ts';
import { parseScheduleExpression } from '../../local/cloud/scheduler/expression.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The next `count` firings after `from`, as ISO strings. */
function firings(expression: string, from: string, count: number, timeZone = 'UTC'): (string | undefined)[] {
  const parsed = parseScheduleExpression(expression, timeZone);
  const out: (string | undefined)[] = [];
  let after: number | undefined = at(from);
  for (let i = 0; i < count && after !== undefined; i++) {
    after = parsed.nextAfter(after);
    out.push(iso(after));
  }
  return out;
}

function rejection(expression: string, timeZone = 'UTC'): ScheduleExpressionError {
  try {
    parseScheduleExpression(expression, timeZone);
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error;
    throw error;
  }
  throw new Error(`${expression} was accepted`);
}

describe('rate expressions', () => {
  it('fires one period after the anchor, then every period, in singular or plural units', () => {
    const anchor = at('2025-01-01T10:00:30Z');
    const minute = parseScheduleExpression('rate(1 minute)');
    expect(iso(minute.nextAfter(anchor))).toBe('2025-01-01T10:01:30.000Z');
    expect(iso(minute.nextAfter(anchor + 90_000, anchor))).toBe('2025-01-01T10:02:30.000Z');
    // Exactly on a firing: the next one, never the same instant twice.
    expect(iso(minute.nextAfter(anchor + 120_000, anchor))).toBe('2025-01-01T10:03:30.000Z');
    // Before the anchor (a StartDate still ahead): the anchor itself.
    expect(iso(minute.nextAfter(anchor - 5_000, anchor))).toBe('2025-01-01T10:00:30.000Z');
    expect(parseScheduleExpression('rate(15 minutes)').nextAfter(0)).toBe(900_000);
    expect(parseScheduleExpression('rate(2 hours)').nextAfter(0)).toBe(7_200_000);
    expect(parseScheduleExpression('rate(1 hour)').nextAfter(0)).toBe(3_600_000);
    expect(parseScheduleExpression('rate(1 day)').nextAfter(0)).toBe(86_400_000);
    expect(parseScheduleExpression('rate(3 days)').nextAfter(0)).toBe(3 * 86_400_000);
  });

  it('ignores the time zone, as a rate counts elapsed time', () => {
    expect(parseScheduleExpression('rate(5 minutes)', 'Asia/Kolkata').nextAfter(0)).toBe(300_000);
  });

  it('rejects a rate without a whole positive value and a known unit', () => {
    for (const bad of ['rate(0 minutes)', 'rate(5 seconds)', 'rate(1.5 hours)', 'rate(-1 minute)', 'rate(minutes)', 'rate(5 weeks)', 'rate(5  minutes)']) {
      const error = rejection(bad);
      expect(error.unsupported, bad).toBe(false);
      expect(error.message, bad).toMatch(new RegExp(`^schedule expression ${bad.replace(/[().]/g, '\\$&')} is not valid: `));
    }
    expect(rejection('rate(0 minutes)').message).toContain('whole number ≥ 1');
  });
});

describe('cron expressions', () => {
  it('steps from a start value and from *', () => {
    expect(firings('cron(0/15 * * * ? *)', '2025-01-01T10:07:00Z', 4)).toEqual([
      '2025-01-01T10:15:00.000Z',
      '2025-01-01T10:30:00.000Z',
      '2025-01-01T10:45:00.000Z',
      '2025-01-01T11:00:00.000Z',
    ]);
    expect(firings('cron(*/20 * * * ? *)', '2025-01-01T10:59:59.999Z', 2)).toEqual(['2025-01-01T11:00:00.000Z', '2025-01-01T11:20:00.000Z']);
    // Mid-minute: the next whole minute that matches, never the current one.
    expect(firings('cron(* * * * ? *)', '2025-01-01T10:00:30Z', 2)).toEqual(['2025-01-01T10:01:00.000Z', '2025-01-01T10:02:00.000Z']);
  });

  it('reads stepped ranges and lists, with months and weekdays by name', () => {
    expect(firings('cron(10-40/10 9 * * ? *)', '2025-01-01T00:00:00Z', 5)).toEqual([
      '2025-01-01T09:10:00.000Z',
      '2025-01-01T09:20:00.000Z',
      '2025-01-01T09:30:00.000Z',
      '2025-01-01T09:40:00.000Z',
      '2025-01-02T09:10:00.000Z',
    ]);
    expect(firings('cron(0 8,12,18 * * ? *)', '2025-01-01T12:00:00Z', 3)).toEqual([
      '2025-01-01T18:00:00.000Z',
      '2025-01-02T08:00:00.000Z',
      '2025-01-02T12:00:00.000Z',
    ]);
    expect(firings('cron(0 0 1 jan,JUL ? *)', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-07-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  });

  it('picks days by day-of-week when day-of-month is ?, counting 1 as Sunday', () => {
    // 2025-01-04 is a Saturday.
    expect(firings('cron(0 9 ? * MON-FRI *)', '2025-01-04T12:00:00Z', 2)).toEqual(['2025-01-06T09:00:00.000Z', '2025-01-07T09:00:00.000Z']);
    expect(firings('cron(0 0 ? * 1 *)', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-01-05T00:00:00.000Z', '2025-01-12T00:00:00.000Z']);
    expect(firings('cron(0 0 ? * 7 *)', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-04T00:00:00.000Z']);
  });

  it('picks days by day-of-month when day-of-week is ?, skipping months without that day', () => {
    expect(firings('cron(0 0 1 * ? *)', '2025-01-15T00:00:00Z', 2)).toEqual(['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z']);
    expect(firings('cron(0 0 31 * ? *)', '2025-01-31T00:00:00Z', 2)).toEqual(['2025-03-31T00:00:00.000Z', '2025-05-31T00:00:00.000Z']);
    expect(firings('cron(0 12 29 2 ? *)', '2025-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T12:00:00.000Z']);
  });

  it('honours the year field and stops when its years have passed', () => {
    expect(firings('cron(0 0 1 1 ? 2030-2031)', '2025-06-01T00:00:00Z', 3)).toEqual(['2030-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z', undefined]);
    expect(parseScheduleExpression('cron(0 0 1 1 ? 2020)').nextAfter(at('2025-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('reads the wall clock of its time zone', () => {
    // 09:00 in India is 03:30 UTC.
    expect(firings('cron(0 9 * * ? *)', '2025-01-01T04:00:00Z', 1, 'Asia/Kolkata')).toEqual(['2025-01-02T03:30:00.000Z']);
    expect(firings('cron(0 9 * * ? *)', '2025-01-01T04:00:00Z', 1, 'Etc/UTC')).toEqual(['2025-01-01T09:00:00.000Z']);
  });

  it('skips a wall time that daylight saving skips and fires once in a repeated hour', () => {
    // New York springs forward on 2025-03-09 at 02:00: 02:30 does not exist that day.
    expect(firings('cron(30 2 * * ? *)', '2025-03-08T08:00:00Z', 2, 'America/New_York')).toEqual(['2025-03-10T06:30:00.000Z', '2025-03-11T06:30:00.000Z']);
    // It falls back on 2025-11-02 at 02:00: 01:30 happens twice, the schedule fires at the first.
    expect(firings('cron(30 1 * * ? *)', '2025-11-02T04:00:00Z', 2, 'America/New_York')).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    // Every minute through the repeated hour: 01:59 EDT is followed by 02:00 EST, an hour later.
    expect(firings('cron(* * * * ? *)', '2025-11-02T05:58:30Z', 2, 'America/New_York')).toEqual(['2025-11-02T05:59:00.000Z', '2025-11-02T07:00:00.000Z']);
  });

  it('rejects malformed crons with a message naming the problem', () => {
    const cases: [string, string][] = [
      ['cron(0 9 * * ?)', 'cron needs 6 fields'],
      ['cron(0 9 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
      ['cron(0 9 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
      ['cron(? 9 * * ? *)', '? is only allowed in day-of-month or day-of-week, not in minutes'],
      ['cron(60 9 * * ? *)', 'minutes value 60 is outside 0–59'],
      ['cron(0 24 * * ? *)', 'hours value 24 is outside 0–23'],
      ['cron(0 9 0 * ? *)', 'day-of-month value 0 is outside 1–31'],
      ['cron(0 9 ? * 8 *)', 'day-of-week value 8 is outside 1–7'],
      ['cron(0 9 * * ? 1969)', 'year value 1969 is outside 1970–2199'],
      ['cron(0 20-8 * * ? *)', 'hours range "20-8" runs backwards'],
      ['cron(0/0 9 * * ? *)', 'minutes step "0" must be a whole number ≥ 1'],
      ['cron(0 9 * SEPT ? *)', 'month value "SEPT" is not a number or one of JAN FEB'],
      ['cron(0 9 ? * MON-FUN *)', 'day-of-week value "FUN" is not a number or one of SUN MON'],
      ['cron(0,,5 9 * * ? *)', 'minutes has an empty list element'],
    ];
    for (const [expression, reason] of cases) {
      const error = rejection(expression);
      expect(error.unsupported, expression).toBe(false);
      expect(error.message, expression).toContain(`schedule expression ${expression} is not valid: ${reason}`);
    }
  });

  it('rejects L, W and # as features the local cloud does not emulate', () => {
    for (const [expression, what] of [
      ['cron(0 0 L * ? *)', 'day-of-month "L"'],
      ['cron(0 0 15W * ? *)', 'day-of-month "15W"'],
      ['cron(0 0 ? * 6L *)', 'day-of-week "6L"'],
      ['cron(0 0 ? * FRI#2 *)', 'day-of-week "FRI#2"'],
    ]) {
      const error = rejection(expression!);
      expect(error.unsupported, expression).toBe(true);
      expect(error.message).toBe(`schedule expression ${expression}: ${what} is not supported by the local cloud`);
    }
  });
});

describe('one-time (at) expressions', () => {
  it('fires once at the wall time of its time zone, and never after', () => {
    const utc = parseScheduleExpression('at(2030-05-01T10:00:00)');
    expect(iso(utc.nextAfter(at('2025-01-01T00:00:00Z')))).toBe('2030-05-01T10:00:00.000Z');
    expect(utc.nextAfter(at('2030-05-01T10:00:00Z'))).toBeUndefined();
    const india = parseScheduleExpression('at(2030-05-01T10:00:00)', 'Asia/Kolkata');
    expect(iso(india.nextAfter(0))).toBe('2030-05-01T04:30:00.000Z');
  });

  it('rejects anything but yyyy-mm-ddThh:mm:ss of a real date', () => {
    expect(rejection('at(2030-02-30T10:00:00)').message).toContain('2030-02-30T10:00:00 is not a date and time');
    expect(rejection('at(2030-05-01T24:00:00)').message).toContain('is not a date and time');
    expect(rejection('at(2030-05-01 10:00:00)').message).toContain('at(yyyy-mm-ddThh:mm:ss)');
    expect(rejection('at(2030-05-01T10:00:00Z)').message).toContain('without offset or fraction');
    expect(rejection('at(2025-03-09T02:30:00)', 'America/New_York').message).toContain('does not exist in America/New_York');
  });
});

describe('what is not a schedule expression', () => {
  it('names the accepted forms and unknown time zones', () => {
    expect(rejection('every 5 minutes').message).toBe(
      'schedule expression every 5 minutes is not valid: it must be rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)',
    );
    expect(rejection('rate(1 minute)', 'Mars/Olympus_Mons').message).toBe('schedule expression rate(1 minute) is not valid: unknown time zone "Mars/Olympus_Mons"');
  });
});
