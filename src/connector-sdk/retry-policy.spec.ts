import {
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from './retry-policy';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds, including fractional values, as milliseconds', () => {
    expect(parseRetryAfter('1', NOW)).toBe(1000);
    expect(parseRetryAfter('2.0', NOW)).toBe(2000);
    expect(parseRetryAfter('0.25', NOW)).toBe(250);
    expect(parseRetryAfter(' 30 ', NOW)).toBe(30_000);
  });

  it('reads an HTTP-date relative to now, and a past date as zero', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores missing and malformed values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('-1', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const options = { baseMs: 100, capMs: 1000 };

  it('grows exponentially up to the cap (full jitter scales the ceiling)', () => {
    const max = () => 0.999999;
    expect(backoffDelay(0, options, max)).toBe(99);
    expect(backoffDelay(1, options, max)).toBe(199);
    expect(backoffDelay(3, options, max)).toBe(799);
    expect(backoffDelay(4, options, max)).toBe(999);
    expect(backoffDelay(50, options, max)).toBe(999);
  });

  it('spreads delays over [0, ceiling)', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(0);
    expect(backoffDelay(2, options, () => 0.5)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(10, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(1000);
    }
  });
});

describe('what is retryable', () => {
  it('retries 429, 408 and 5xx, not other 4xx', () => {
    for (const status of [429, 408, 500, 502, 503, 504])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422])
      expect(isRetryableStatus(status)).toBe(false);
  });

  it('retries connection and timeout errors, including nested causes', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED']) {
      expect(isRetryableNetworkError(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    const nested = new Error('outer', {
      cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }),
    });
    expect(isRetryableNetworkError(nested)).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(
      false,
    );
    expect(isRetryableNetworkError(new Error('no code'))).toBe(false);
  });
});

describe('retryDelay', () => {
  const backoff = { baseMs: 100, capMs: 1000 };

  it('prefers Retry-After, then the vendor hint, then backoff', () => {
    expect(
      retryDelay({ attempt: 0, retryAfterHeader: '2', vendorHintMs: 50, backoff, nowMs: NOW }),
    ).toEqual({
      delayMs: 2000,
      source: 'retry-after',
    });
    expect(retryDelay({ attempt: 0, vendorHintMs: 1500, backoff, nowMs: NOW })).toEqual({
      delayMs: 1500,
      source: 'vendor-hint',
    });
    expect(retryDelay({ attempt: 1, backoff, nowMs: NOW, random: () => 0.5 })).toEqual({
      delayMs: 100,
      source: 'backoff',
    });
  });

  it('falls back when Retry-After is unparseable', () => {
    expect(
      retryDelay({ attempt: 0, retryAfterHeader: 'later', vendorHintMs: 700, backoff, nowMs: NOW })
        .source,
    ).toBe('vendor-hint');
  });
});
