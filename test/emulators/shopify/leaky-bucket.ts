/** Shopify's REST limit: a bucket of `size` requests that leaks `leakPerSecond`. */
export class LeakyBucket {
  private level = 0;
  private lastLeak = 0;

  constructor(
    readonly size: number,
    readonly leakPerSecond: number,
  ) {}

  /** Adds a request when it fits; false (a 429) when the bucket is full. */
  tryAdd(now: number): boolean {
    this.leak(now);
    if (this.level + 1 > this.size) return false;
    this.level += 1;
    return true;
  }

  /** Requests in the bucket, rounded up as Shopify reports them (`n/40`). */
  used(now: number): number {
    this.leak(now);
    return Math.ceil(this.level);
  }

  reset(): void {
    this.level = 0;
  }

  private leak(now: number): void {
    if (this.lastLeak > 0) {
      this.level = Math.max(0, this.level - ((now - this.lastLeak) / 1000) * this.leakPerSecond);
    }
    this.lastLeak = now;
  }
}
