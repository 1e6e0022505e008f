import { hubspotRetryDelays } from './http';

const rolling = (headers: Record<string, string> = {}) => ({
  status: 429,
  headers: {
    'x-hubspot-ratelimit-interval-milliseconds': '10000',
    'x-hubspot-ratelimit-max': '100',
    ...headers,
  },
  data: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
});

describe('hubspotRetryDelays', () => {
  it('waits one slot of the rolling window after a lone 429, not the whole window', () => {
    let now = 0;
    const delay = hubspotRetryDelays(() => now);
    expect(delay(rolling())).toBe(100);
    // The next window-edge miss, a window later, is lone again.
    now += 10_000;
    expect(delay(rolling())).toBe(100);
  });

  it('doubles the wait while 429s keep coming within one interval, up to the interval', () => {
    let now = 0;
    const delay = hubspotRetryDelays(() => now);
    const waits = [];
    for (let i = 0; i < 9; i++) {
      const wait = delay(rolling())!;
      waits.push(wait);
      now += wait;
    }
    // After a whole interval's wait the window is clear: a 429 then is lone again.
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10000, 100]);
  });

  it('falls back to ~1 s per slot without a max header, capped by the interval', () => {
    const delay = hubspotRetryDelays(() => 0);
    expect(delay(rolling({ 'x-hubspot-ratelimit-max': '' }))).toBe(1000);
    const short = hubspotRetryDelays(() => 0);
    expect(
      short(
        rolling({
          'x-hubspot-ratelimit-interval-milliseconds': '500',
          'x-hubspot-ratelimit-max': '',
        }),
      ),
    ).toBe(500);
  });

  it('does not wait in-process for the daily limit, and ~1 s for search (no headers)', () => {
    const delay = hubspotRetryDelays(() => 0);
    expect(delay({ ...rolling(), data: { policyName: 'DAILY' } })).toBe(3_600_000);
    expect(delay({ status: 429, headers: {}, data: { policyName: 'SECONDLY' } })).toBe(1000);
  });

  it('leaves other statuses to the runtime', () => {
    expect(hubspotRetryDelays()({ status: 503, headers: {}, data: '' })).toBeUndefined();
  });
});
