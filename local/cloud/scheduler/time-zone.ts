/** A reading of a wall clock: what a clock on the wall in some time zone shows. Month is 1–12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const DAY_MS = 86_400_000;
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Etc/Zulu']);

/** Milliseconds since the epoch of a wall time read as if it were UTC. */
export function wallTimeAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utcWallTime(instant: number): WallTime {
  const date = new Date(instant);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/**
 * An IANA time zone, read through `Intl` so daylight saving follows the tz database Node ships.
 * UTC and its aliases skip `Intl` entirely.
 */
export class TimeZone {
  private static readonly cache = new Map<string, TimeZone>();
  private readonly format: Intl.DateTimeFormat | undefined;

  private constructor(readonly name: string) {
    this.format = UTC_NAMES.has(name)
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone: name,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** Throws `RangeError` naming the zone when the tz database does not know it. */
  static of(name: string): TimeZone {
    let zone = TimeZone.cache.get(name);
    if (!zone) {
      try {
        zone = new TimeZone(name);
      } catch {
        throw new RangeError(`unknown time zone "${name}"`);
      }
      TimeZone.cache.set(name, zone);
    }
    return zone;
  }

  get isUtc(): boolean {
    return this.format === undefined;
  }

  wallTime(instant: number): WallTime {
    if (!this.format) return utcWallTime(instant);
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
  }

  /**
   * The instants at which a clock in this zone shows `wall`, earliest first: none inside a
   * spring-forward gap, two inside a fall-back overlap, otherwise one.
   */
  instantsOf(wall: WallTime): number[] {
    const asUtc = wallTimeAsUtc(wall);
    if (!this.format) return [asUtc];
    const offsets = new Set([asUtc - DAY_MS, asUtc, asUtc + DAY_MS].map((probe) => this.offsetAt(probe)));
    const instants = [...offsets]
      .map((offset) => asUtc - offset)
      .filter((instant) => wallTimeAsUtc(this.wallTime(instant)) === asUtc);
    return [...new Set(instants)].sort((a, b) => a - b);
  }

  /** Wall time minus UTC at `instant`, in milliseconds. */
  private offsetAt(instant: number): number {
    const whole = Math.floor(instant / 1000) * 1000;
    return wallTimeAsUtc(this.wallTime(whole)) - whole;
  }
}
