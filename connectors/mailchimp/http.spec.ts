import { dataCentre, mailchimpHttp } from './http';

describe('mailchimpHttp', () => {
  const apiKey = '0123456789abcdef0123456789abcdef-us19';

  it('derives the data centre from the key and authenticates with the key as password', () => {
    expect(mailchimpHttp({ listId: 'l1' }, { apiKey })).toEqual({
      baseUrl: 'https://us19.api.mailchimp.com/3.0',
      basicAuth: { username: 'syncline', password: apiKey },
      rateLimit: undefined,
    });
  });

  it('prefers config.baseUrl and takes a per-connection budget', () => {
    const setup = mailchimpHttp(
      { listId: 'l1', baseUrl: 'http://127.0.0.1:9/3.0', requestsPerSecond: 4 },
      { apiKey: 'no-suffix' },
    );
    expect(setup.baseUrl).toBe('http://127.0.0.1:9/3.0');
    expect(setup.rateLimit).toEqual({ requests: 4, intervalMs: 1000 });
  });

  it('explains a key without a data centre', () => {
    expect(() => mailchimpHttp({ listId: 'l1' }, { apiKey: 'abcdef' })).toThrow(/-us19/);
    expect(dataCentre('abc-US6 ')).toBe('us6');
    expect(dataCentre('abc')).toBeUndefined();
  });
});
