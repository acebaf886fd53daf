import { daysInMonth } from './time-zone.ts';

/**
 * AWS's six-field cron: `minutes hours day-of-month month day-of-week year`. One of day-of-month
 * and day-of-week is `?`; day-of-week counts 1 = SUN … 7 = SAT. Each field holds the sorted values
 * it allows.
 */
export interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** `undefined` when the field is `?` and day-of-week decides. */
  readonly daysOfMonth: readonly number[] | undefined;
  readonly months: readonly number[];
  /** `undefined` when the field is `?` and day-of-month decides. */
  readonly daysOfWeek: readonly number[] | undefined;
  readonly years: readonly number[];
}

/** A cron field that is wrong (`invalid`) or right but not emulated (`unsupported`). */
export class CronFieldError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'CronFieldError';
  }
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly questionMark?: boolean;
  /** What AWS allows in this field that the local cloud does not emulate. */
  readonly unsupported?: RegExp;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, questionMark: true, unsupported: /^(L(-\d+)?|LW|\d+W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, questionMark: true, unsupported: /^(\w*L|\w+#\d+)$/ },
  { name: 'year', min: 1970, max: 2199 },
];

/** Parses the six fields inside `cron(…)`. */
export function parseCronFields(text: string): CronFields {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new CronFieldError(`cron needs 6 fields (minutes hours day-of-month month day-of-week year), found ${text.trim() === '' ? 0 : fields.length}`);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = FIELDS.map((spec, index) => parseField(fields[index]!, spec));
  if ((daysOfMonth === undefined) === (daysOfWeek === undefined)) {
    throw new CronFieldError('exactly one of day-of-month and day-of-week must be ?; the other says which days');
  }
  return { minutes: minutes!, hours: hours!, daysOfMonth, months: months!, daysOfWeek, years: years! };
}

function parseField(text: string, spec: FieldSpec): number[] | undefined {
  if (text === '?') {
    if (!spec.questionMark) throw new CronFieldError(`? is only allowed in day-of-month or day-of-week, not in ${spec.name}`);
    return undefined;
  }
  const values = new Set<number>();
  for (const element of text.split(',')) {
    const upper = element.toUpperCase();
    if (spec.unsupported?.test(upper)) throw new CronFieldError(`${spec.name} "${element}"`, true);
    for (const value of parseElement(upper, spec)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/** One list element: `*`, `v`, `a-b`, each optionally followed by `/step`. */
function parseElement(element: string, spec: FieldSpec): number[] {
  if (element === '') throw new CronFieldError(`${spec.name} has an empty list element`);
  const [range, stepText, extra] = element.split('/');
  if (extra !== undefined) throw new CronFieldError(`${spec.name} element "${element}" has more than one /`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && !(/^\d+$/.test(stepText) && step >= 1)) {
    throw new CronFieldError(`${spec.name} step "${stepText}" must be a whole number ≥ 1`);
  }
  let first: number;
  let last: number;
  if (range === '*') {
    [first, last] = [spec.min, spec.max];
  } else if (range!.includes('-')) {
    const [from, to, more] = range!.split('-');
    if (more !== undefined) throw new CronFieldError(`${spec.name} range "${range}" has more than one -`);
    [first, last] = [parseValue(from!, spec), parseValue(to!, spec)];
    if (first > last) throw new CronFieldError(`${spec.name} range "${range}" runs backwards`);
  } else {
    first = parseValue(range!, spec);
    // `5/15` means from 5 to the end of the field, every 15.
    last = stepText === undefined ? first : spec.max;
  }
  const values: number[] = [];
  for (let value = first; value <= last; value += step) values.push(value);
  return values;
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) {
    const expected = spec.names ? `a number or one of ${spec.names.join(' ')}` : 'a number';
    throw new CronFieldError(`${spec.name} value "${text}" is not ${expected}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) throw new CronFieldError(`${spec.name} value ${value} is outside ${spec.min}–${spec.max}`);
  return value;
}

export interface WallMinute {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

function dayMatches(fields: CronFields, year: number, month: number, day: number): boolean {
  if (fields.daysOfMonth) return fields.daysOfMonth.includes(day);
  const dayOfWeek = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  return fields.daysOfWeek!.includes(dayOfWeek);
}

/** Every wall-clock minute the fields allow, in order, from `start` on (inclusive). */
export function* matchingWallMinutes(fields: CronFields, start: WallMinute): Generator<WallMinute> {
  for (const year of fields.years) {
    if (year < start.year) continue;
    const sameYear = year === start.year;
    for (const month of fields.months) {
      if (sameYear && month < start.month) continue;
      const sameMonth = sameYear && month === start.month;
      const lastDay = daysInMonth(year, month);
      for (let day = sameMonth ? start.day : 1; day <= lastDay; day++) {
        if (!dayMatches(fields, year, month, day)) continue;
        const sameDay = sameMonth && day === start.day;
        for (const hour of fields.hours) {
          if (sameDay && hour < start.hour) continue;
          const sameHour = sameDay && hour === start.hour;
          for (const minute of fields.minutes) {
            if (sameHour && minute < start.minute) continue;
            yield { year, month, day, hour, minute };
          }
        }
      }
    }
  }
}
