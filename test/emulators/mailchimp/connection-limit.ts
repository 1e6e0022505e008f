/**
 * Mailchimp's only limit: at most `max` requests in flight per user (API key) at once. A
 * request over it is answered 429 at once and is not counted.
 */
export class ConnectionLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  tryAcquire(key: string): boolean {
    const current = this.open.get(key) ?? 0;
    if (current >= this.max) return false;
    this.open.set(key, current + 1);
    return true;
  }

  release(key: string): void {
    const current = this.open.get(key) ?? 0;
    if (current <= 1) this.open.delete(key);
    else this.open.set(key, current - 1);
  }

  inFlight(key: string): number {
    return this.open.get(key) ?? 0;
  }

  reset(): void {
    this.open.clear();
  }
}
