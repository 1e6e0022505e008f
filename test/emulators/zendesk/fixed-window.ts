/**
 * A per-interval request counter on clock-aligned windows, the way Zendesk counts "requests
 * per minute" (its `ratelimit-reset` header counts down to the next minute).
 */
export class FixedWindow {
  private windowStart = -1;
  private count = 0;

  constructor(
    readonly max: number,
    readonly intervalMs: number,
  ) {}

  /** Counts a request when there is room; false when the window is full. */
  tryHit(now: number): boolean {
    this.roll(now);
    if (this.count >= this.max) return false;
    this.count += 1;
    return true;
  }

  remaining(now: number): number {
    this.roll(now);
    return Math.max(0, this.max - this.count);
  }

  /** Whole seconds until the window resets (at least 1): Zendesk's `Retry-After`. */
  resetSeconds(now: number): number {
    this.roll(now);
    return Math.max(1, Math.ceil((this.windowStart + this.intervalMs - now) / 1000));
  }

  reset(): void {
    this.count = 0;
    this.windowStart = -1;
  }

  private roll(now: number): void {
    const start = Math.floor(now / this.intervalMs) * this.intervalMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.count = 0;
    }
  }
}
