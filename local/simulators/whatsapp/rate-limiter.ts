/**
 * A provider's throughput limit: at most `perSecond` sends per key in any sliding second. Only
 * admitted sends take a slot, so the window is also the record of what was accepted, and its
 * fullest moment is the peak a test compares with the limit.
 *
 * It runs on REAL time, never the local clock, like the other simulators' rate limits: a client
 * backs off on real timers, and a local clock that stands still (as in tests) would keep a window
 * full forever, while one that jumps a day would empty it; no provider's limiter behaves so.
 */

export type Admission =
  | { readonly admitted: true; readonly remaining: number }
  /** `resetAtMs`: when the oldest send in the window leaves it and a slot frees. */
  | { readonly admitted: false; readonly resetAtMs: number };

const WINDOW_MS = 1000;

export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly peaks = new Map<string, number>();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`a rate limit needs a whole number of sends a second, not ${perSecond}`);
  }

  /** Takes a slot for `key` when one is free; a refused send takes none. */
  take(key: string): Admission {
    const now = this.now();
    const window = this.windows.get(key) ?? [];
    while (window.length > 0 && window[0]! <= now - WINDOW_MS) window.shift();
    if (window.length >= this.perSecond) return { admitted: false, resetAtMs: window[0]! + WINDOW_MS };
    window.push(now);
    this.windows.set(key, window);
    // Any second's busiest moment is one ending at an admitted send, so checking here finds the peak.
    this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, window.length));
    return { admitted: true, remaining: this.perSecond - window.length };
  }

  /** The most sends admitted in any one second, by key. */
  peakPerSecond(): Record<string, number> {
    return Object.fromEntries(this.peaks);
  }
}
