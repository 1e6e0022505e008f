/** A rolling-window counter, like HubSpot's TEN_SECONDLY_ROLLING policy. */
export class RollingWindow {
  private readonly hits: number[] = [];

  constructor(
    readonly max: number,
    readonly intervalMs: number,
  ) {}

  /** Counts a request when there is room; false when the window is full. */
  tryHit(now: number): boolean {
    this.evict(now);
    if (this.hits.length >= this.max) return false;
    this.hits.push(now);
    return true;
  }

  remaining(now: number): number {
    this.evict(now);
    return Math.max(0, this.max - this.hits.length);
  }

  reset(): void {
    this.hits.length = 0;
  }

  private evict(now: number): void {
    while (this.hits.length > 0 && now - this.hits[0] >= this.intervalMs) this.hits.shift();
  }
}
