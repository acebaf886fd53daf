import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, quietUntil, type QuietHours } from '../../../lambdas/notifications/domain/quiet-hours.ts';
import { customerTimeZone } from '../../../lambdas/shared/customer-locale.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Zones without daylight saving and their offsets, so a test can build a local time by hand. */
const FIXED_ZONES = [
  ['Asia/Kolkata', 330],
  ['Asia/Jakarta', 420],
  ['Asia/Makassar', 480],
  ['Asia/Jayapura', 540],
  ['Asia/Kuala_Lumpur', 480],
  ['Asia/Kathmandu', 345],
] as const;

const wallClock = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(instant);

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const instants = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
const hours = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }))
  .filter(([start, end]) => start !== end)
  .map(([start, end]): QuietHours => ({ start: clock(start), end: clock(end) }));
const zones = fc.constantFrom(...FIXED_ZONES);

function inWindow(minute: number, window: QuietHours): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The instant a fixed-offset zone shows `minute` on the local day of `day`. */
function localInstant(day: Date, minute: number, offsetMinutes: number, second = 0): Date {
  const localMidnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return new Date(localMidnight + minute * MINUTE + second * 1000 - offsetMinutes * MINUTE);
}

describe('quiet hours', () => {
  it('defers a 10 p.m. message in Delhi to 9 a.m. the next morning, and sends a noon message at once', () => {
    expect(quietUntil(new Date('2026-12-01T22:00:00+05:30'), 'Asia/Kolkata')).toEqual(new Date('2026-12-02T09:00:00+05:30'));
    expect(quietUntil(new Date('2026-12-02T03:15:00+05:30'), 'Asia/Kolkata')).toEqual(new Date('2026-12-02T09:00:00+05:30'));
    expect(quietUntil(new Date('2026-12-01T12:00:00+05:30'), 'Asia/Kolkata')).toBeUndefined();
  });

  it('judges the hour where the customer is: 8 p.m. in Jakarta is 10 p.m. in Jayapura', () => {
    const now = new Date('2026-12-01T13:00:00Z');
    expect(quietUntil(now, 'Asia/Jakarta')).toBeUndefined();
    expect(quietUntil(now, 'Asia/Jayapura')).toEqual(new Date('2026-12-02T09:00:00+09:00'));
  });

  it('starts on the minute and ends on the minute', () => {
    expect(quietUntil(new Date('2026-12-01T20:59:59+08:00'), 'Asia/Kuala_Lumpur')).toBeUndefined();
    expect(quietUntil(new Date('2026-12-01T21:00:00+08:00'), 'Asia/Kuala_Lumpur')).toEqual(new Date('2026-12-02T09:00:00+08:00'));
    expect(quietUntil(new Date('2026-12-02T08:59:59.999+08:00'), 'Asia/Kuala_Lumpur')).toEqual(new Date('2026-12-02T09:00:00+08:00'));
    expect(quietUntil(new Date('2026-12-02T09:00:00+08:00'), 'Asia/Kuala_Lumpur')).toBeUndefined();
  });

  it('takes a window within one day as well as one across midnight', () => {
    const siesta = { start: '13:00', end: '15:00' };
    expect(quietUntil(new Date('2026-12-01T14:00:00+07:00'), 'Asia/Jakarta', siesta)).toEqual(new Date('2026-12-01T15:00:00+07:00'));
    expect(quietUntil(new Date('2026-12-01T23:00:00+07:00'), 'Asia/Jakarta', siesta)).toBeUndefined();
  });

  it('works across daylight saving where a zone has it', () => {
    // New York falls back on 2026-11-01: the night is 25 hours long.
    expect(quietUntil(new Date('2026-10-31T22:00:00-04:00'), 'America/New_York')).toEqual(new Date('2026-11-01T09:00:00-05:00'));
    expect(quietUntil(new Date('2026-03-07T23:30:00-05:00'), 'America/New_York')).toEqual(new Date('2026-03-08T09:00:00-04:00'));
  });

  it('refuses a malformed time rather than guessing', () => {
    expect(() => quietUntil(new Date(), 'Asia/Kolkata', { start: '9pm', end: '09:00' })).toThrow(RangeError);
  });

  it('property: a deferral ends after now, within 24 hours, at the end time on the customer’s clock', () => {
    fc.assert(
      fc.property(instants, zones, hours, (now, [zone], window) => {
        const until = quietUntil(now, zone, window);
        if (!until) return;
        expect(until.getTime()).toBeGreaterThan(now.getTime());
        expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(24 * HOUR);
        expect(wallClock(until, zone)).toBe(`${window.end}:00`);
      }),
    );
  });

  it('property: the default hours behave the same in zones with daylight saving', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom('Europe/London', 'America/New_York', 'Australia/Sydney'), (now, zone) => {
        const until = quietUntil(now, zone);
        if (!until) return;
        expect(until.getTime()).toBeGreaterThan(now.getTime());
        expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(24 * HOUR);
        expect(wallClock(until, zone)).toBe(`${DEFAULT_QUIET_HOURS.end}:00`);
      }),
    );
  });

  it('property: a time outside the window is never deferred; a time inside always is', () => {
    fc.assert(
      fc.property(instants, zones, hours, fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 59 }), (day, [zone, offset], window, minute, second) => {
        const now = localInstant(day, minute, offset, second);
        expect(quietUntil(now, zone, window) !== undefined).toBe(inWindow(minute, window));
      }),
    );
  });
});

describe('the customer’s time zone', () => {
  it.each([
    [{ country: 'IN' }, 'Asia/Kolkata'],
    [{ country: 'IN', province: 'Assam' }, 'Asia/Kolkata'],
    [{ country: 'MY', province: 'Sabah' }, 'Asia/Kuala_Lumpur'],
    [{ country: 'ID' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'DKI Jakarta' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Jawa Timur' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'East Java' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Banten' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Sumatera Utara' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Kalimantan Barat' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Central Kalimantan' }, 'Asia/Jakarta'],
    [{ country: 'ID', province: 'Kalimantan Selatan' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'south kalimantan' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'East Kalimantan' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Kalimantan Utara' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Bali' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Nusa Tenggara Barat' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'East Nusa Tenggara' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'NTB' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Sulawesi Selatan' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'SOUTHEAST SULAWESI' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Gorontalo' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'Maluku Utara' }, 'Asia/Jayapura'],
    [{ country: 'ID', province: 'Papua' }, 'Asia/Jayapura'],
    [{ country: 'ID', province: 'Papua Barat Daya' }, 'Asia/Jayapura'],
    [{ country: 'ID', province: 'Highland Papua' }, 'Asia/Jayapura'],
    [{ country: 'ID', province: 'BA' }, 'Asia/Makassar'],
    [{ country: 'ID', province: 'JI' }, 'Asia/Jakarta'],
  ] as const)('%o → %s', (address, zone) => {
    expect(customerTimeZone(address)).toBe(zone);
  });
});
