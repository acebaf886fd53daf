/**
 * When not to message a customer: a shipping update at 2 a.m. earns a block, and Meta lowers the
 * quality rating of numbers that collect blocks. Times are the customer's wall clock, so each
 * order is judged in the time zone it ships to.
 */
export interface QuietHours {
  /** 'HH:MM', local time. */
  readonly start: string;
  /** 'HH:MM', local time; earlier than `start` means the next day. */
  readonly end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '09:00' };

function minutesOf(clock: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock);
  if (!match) throw new RangeError(`'${clock}' is not a time of day as HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timeZone: string): WallClock {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: some engines print midnight as 24 with `hour12: false`.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const clock = wallClock(instant, timeZone);
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a zone's clock shows the given local time; the second pass settles a DST change between guess and answer. */
function instantOf(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const guess = asUtc - offsetAt(asUtc, timeZone);
  return new Date(asUtc - offsetAt(guess, timeZone));
}

/** When `now` falls in quiet hours in `timeZone`, the instant they end; otherwise undefined. */
export function quietUntil(now: Date, timeZone: string, hours: QuietHours = DEFAULT_QUIET_HOURS): Date | undefined {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const clock = wallClock(now.getTime(), timeZone);
  const minute = clock.hour * 60 + clock.minute;
  const overnight = start > end;
  const quiet = overnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quiet) return undefined;
  // Before the end on the same local day, or (overnight, in the evening) at the end tomorrow.
  const daysAhead = minute < end ? 0 : 1;
  const wakeUp = instantOf(clock.year, clock.month, clock.day + daysAhead, end, timeZone);
  // Only a daylight-saving jump over the end time can put it behind us; the quiet hours are then over.
  return wakeUp.getTime() > now.getTime() ? wakeUp : undefined;
}
