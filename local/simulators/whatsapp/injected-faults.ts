/**
 * Faults a test arms on a simulator: each fails the next `times` requests it matches, in the
 * order the faults were injected. Shared by the WhatsApp and SendGrid simulators.
 */
interface Armed<F> {
  readonly fault: F;
  remaining: number;
}

export class InjectedFaults<F> {
  private readonly armed: Armed<F>[] = [];

  add(fault: F, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`a fault must fire a whole number of times, at least once, not ${times}`);
    this.armed.push({ fault, remaining: times });
  }

  /** The first armed fault `matches` accepts, spending one of its times; undefined when none. */
  take(matches: (fault: F) => boolean): F | undefined {
    const found = this.armed.find((armed) => armed.remaining > 0 && matches(armed.fault));
    if (!found) return undefined;
    found.remaining--;
    return found.fault;
  }
}
