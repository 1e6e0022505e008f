import { zendeskBaseUrl, zendeskHttp } from './http';
import { parseZendeskCursor } from './cursor';

describe('zendeskHttp', () => {
  it('uses API token Basic auth and the plan budget when given', () => {
    const setup = zendeskHttp(
      { subdomain: 'acme', requestsPerMinute: 700 },
      { email: 'admin@acme.com', apiToken: 'tok' },
    );
    expect(setup.baseUrl).toBe('https://acme.zendesk.com/api/v2');
    expect(setup.basicAuth).toEqual({ username: 'admin@acme.com/token', password: 'tok' });
    expect(setup.rateLimit).toEqual({ requests: 700, intervalMs: 60_000 });
    expect(setup.retryDelayMs?.({ status: 429, headers: {}, data: '' })).toBe(12_000);
    expect(setup.retryDelayMs?.({ status: 503, headers: {}, data: '' })).toBeUndefined();
  });

  it('prefers baseUrl, and needs one of baseUrl or subdomain', () => {
    expect(zendeskBaseUrl({ baseUrl: 'http://127.0.0.1:9/api/v2', subdomain: 'x' })).toBe(
      'http://127.0.0.1:9/api/v2',
    );
    expect(() => zendeskBaseUrl({})).toThrow(/subdomain.*baseUrl/);
  });
});

describe('parseZendeskCursor', () => {
  it('accepts its own shape and refuses anything else', () => {
    const cursor = { after: 'MTU3|', caughtUp: true, startTime: 0, newestUpdatedAt: 1 };
    expect(parseZendeskCursor(cursor)).toEqual(cursor);
    expect(parseZendeskCursor(null)).toBeNull();
    expect(() => parseZendeskCursor({ phase: 'search', since: 1 })).toThrow(/full sync/);
  });
});
