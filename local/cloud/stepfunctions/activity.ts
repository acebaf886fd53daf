/**
 * What an execution is doing right now, so `idle()` can tell "waiting for the outside world"
 * (every open task is parked on a task token) from "still working" (a call, pause or wait runs),
 * and a fast-forward can tell "waiting for the clock or the outside world" from "working".
 */
export class ExecutionActivity {
  private busy = 0;
  private parked = 0;
  private sleeping = 0;

  constructor(private readonly onChange: () => void) {}

  /** Marks work in progress until the returned function is called. */
  begin(): () => void {
    this.busy += 1;
    this.onChange();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy -= 1;
      this.onChange();
    };
  }

  /** Counts the wait for a callback as parked rather than busy, for as long as `callback` is pending. */
  async parkUntil<T>(callback: Promise<T>): Promise<T> {
    this.busy -= 1;
    this.parked += 1;
    this.onChange();
    try {
      return await callback;
    } finally {
      this.parked -= 1;
      this.busy += 1;
      this.onChange();
    }
  }

  /** Counts a wait on the local clock (a Wait state, a retry pause) as sleeping rather than busy, for as long as `wait` is pending. */
  async sleepUntil<T>(wait: Promise<T>): Promise<T> {
    this.busy -= 1;
    this.sleeping += 1;
    this.onChange();
    try {
      return await wait;
    } finally {
      this.sleeping -= 1;
      this.busy += 1;
      this.onChange();
    }
  }

  /** Every open task is parked on a task token; none waits for the clock. */
  get waitingOnlyForCallbacks(): boolean {
    return this.busy === 0 && this.sleeping === 0 && this.parked > 0;
  }

  /** Every open task waits for a task token or for the clock; nothing runs. */
  get waitingOnlyForClockOrCallbacks(): boolean {
    return this.busy === 0 && this.parked + this.sleeping > 0;
  }
}
