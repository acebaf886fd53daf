/** What Shopify reports in `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/**
 * Shopify's GraphQL rate limit: a bucket of cost points per app and store that starts full,
 * refills continuously at `restoreRate` points a second up to `maximumAvailable`, and pays for
 * each request up front. A request the bucket cannot pay for is refused and costs nothing.
 */
export class LeakyBucket {
  private points: number;
  private refilledAt: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maximumAvailable > 0) || !(restoreRate > 0)) throw new RangeError(`a bucket needs a positive size and restore rate, not ${maximumAvailable} and ${restoreRate}`);
    this.points = maximumAvailable;
    this.refilledAt = now();
  }

  /** Takes `cost` points if the bucket holds them; false leaves the bucket as it was. */
  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.points) return false;
    this.points -= cost;
    return true;
  }

  /** Whole points, as Shopify reports them. */
  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.points), restoreRate: this.restoreRate };
  }

  private refill(): void {
    const at = this.now();
    this.points = Math.min(this.maximumAvailable, this.points + (Math.max(0, at - this.refilledAt) / 1000) * this.restoreRate);
    this.refilledAt = at;
  }
}
