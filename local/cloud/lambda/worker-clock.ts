/**
 * A function's clock in the local cloud. The cloud's own clock can jump days ahead
 * (`LocalCloud.fastForward`); a function reading the machine's time would then disagree with the
 * events, timers and simulators around it (a quiet-hours check, a signature's timestamp, a
 * link's expiry). So the worker replaces `Date` with one that reads the cloud's time, taken at
 * each invocation and running on in real time from there.
 *
 * The runtime's own timeout keeps to real time ({@link realNow}): the host enforces it in real time.
 */
const RealDate = Date;
const machineNow = RealDate.now.bind(RealDate);
let offsetMs = 0;

export function realNow(): number {
  return machineNow();
}

/** From now on, `Date` reads `clockMs` plus the real time that passes. */
export function followClock(clockMs: number): void {
  offsetMs = clockMs - machineNow();
}

export function installCloudDate(): void {
  const shiftedNow = () => machineNow() + offsetMs;
  // A function, not a subclass: `Date()` without `new` must still return a string, as it does natively.
  function CloudDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(shiftedNow()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [shiftedNow()] : args, new.target);
  }
  // Same prototype, so `instanceof Date` and every Date method behave as before.
  CloudDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(CloudDate, RealDate);
  Object.defineProperty(CloudDate, 'now', { value: shiftedNow, writable: true, configurable: true });
  globalThis.Date = CloudDate as unknown as DateConstructor;
}
