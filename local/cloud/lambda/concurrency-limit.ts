/** A counting semaphore: at most `limit` holders, the rest wait first come, first served. */
export class ConcurrencyLimit {
  private readonly limit: number;
  private holders = 0;
  private readonly waiting: Array<{ grant: () => void; refuse: (error: Error) => void }> = [];
  private closedWith: Error | undefined;

  constructor(limit: number) {
    this.limit = limit;
  }

  acquire(): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.holders < this.limit) {
      this.holders += 1;
      return Promise.resolve();
    }
    return new Promise((grant, refuse) => this.waiting.push({ grant, refuse }));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so the holder count stays the same.
    if (next) next.grant();
    else this.holders -= 1;
  }

  /** Refuses every waiter and every later acquire with `error`. */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(error);
  }
}
