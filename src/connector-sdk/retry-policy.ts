/**
 * Pure retry decisions shared by every connector's HTTP traffic: what is worth retrying, and
 * how long to wait. No I/O and no clock reads except through arguments, so it is unit-tested
 * exhaustively.
 */

export interface BackoffOptions {
  /** Delay scale for the first retry. */
  baseMs: number;
  /** Upper bound of any backoff delay. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * Error codes of failures where no response arrived but a new attempt may well succeed:
 * connection resets/refusals, timeouts (axios reports its own timeout as ECONNABORTED or
 * ETIMEDOUT), broken pipes and transient DNS failures.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);

/** 429 (rate limited), 408 (request timeout) and every 5xx are worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

/** The network error code of `error` (or of its `cause`), if it has one. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Parses a `Retry-After` header into milliseconds from `nowMs`.
 * Accepts delta-seconds, including fractional values such as Shopify's `2.0`, and HTTP-dates.
 * A date in the past means "now" (0). Returns undefined for a missing or unparseable value.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  nowMs: number,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.ceil(Number(trimmed) * 1000);
  }
  // Only try a date when it looks like one: Date.parse accepts odd inputs like "1".
  if (/[a-z]/i.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}

/**
 * Exponential backoff with "full jitter" (AWS architecture blog): a uniformly random delay in
 * [0, min(cap, base * 2^attempt)). Full jitter spreads retries of many workers that failed at
 * the same moment, which is exactly what happens when a shared rate limit trips.
 *
 * @param attempt 0 for the first retry.
 * @param random  returns a number in [0, 1); injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export type RetryDelaySource = 'retry-after' | 'vendor-hint' | 'backoff';

export interface RetryDelayInput {
  attempt: number;
  retryAfterHeader?: string;
  /** A connector's own reading of the response (e.g. HubSpot's interval header). */
  vendorHintMs?: number;
  backoff: BackoffOptions;
  nowMs: number;
  random?: () => number;
}

/** `Retry-After` wins, then the connector's hint, then exponential backoff with jitter. */
export function retryDelay(input: RetryDelayInput): { delayMs: number; source: RetryDelaySource } {
  const fromHeader = parseRetryAfter(input.retryAfterHeader, input.nowMs);
  if (fromHeader !== undefined) return { delayMs: fromHeader, source: 'retry-after' };
  if (
    input.vendorHintMs !== undefined &&
    Number.isFinite(input.vendorHintMs) &&
    input.vendorHintMs >= 0
  ) {
    return { delayMs: Math.ceil(input.vendorHintMs), source: 'vendor-hint' };
  }
  return {
    delayMs: backoffDelay(input.attempt, input.backoff, input.random),
    source: 'backoff',
  };
}
