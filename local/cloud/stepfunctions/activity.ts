/**
 * What an execution is doing right now, so `idle()` can tell "waiting for the outside world"
 * (every open task is parked on a task token) from "still working" (a call, pause or wait runs).
 */
export class ExecutionActivity {
  private busy = 0;
  private parked = 0;

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

  get waitingOnlyForCallbacks(): boolean {
    return this.busy === 0 && this.parked > 0;
  }
}
