import type { Logger } from '@nestjs/common';

/**
 * Logs a loop's failures once per streak: the first at `error` (with the error), the ones
 * after it at `debug`, and the streak's end at `log` with how many there were. A loop that
 * retries every second through a database outage would otherwise write an error with a stack
 * trace every second.
 */
export class FailureStreak {
  private failures = 0;

  constructor(
    private readonly logger: Pick<Logger, 'error' | 'debug' | 'log'>,
    private readonly what: string,
  ) {}

  failed(error: unknown): void {
    this.failures += 1;
    if (this.failures === 1) this.logger.error({ err: error }, `${this.what} failed; retrying`);
    else this.logger.debug({ failures: this.failures }, `${this.what} failed again`);
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.log(
      { failures: this.failures },
      `${this.what} works again after ${this.failures} failed attempt(s)`,
    );
    this.failures = 0;
  }
}
