import {
  HttpRequestError,
  RateLimitedError,
  extractVendorMessage,
  ConnectorErrorCode,
} from './errors';

describe('HttpRequestError', () => {
  it('describes method, path, status and the vendor message, with a stable code', () => {
    const error = new HttpRequestError({
      method: 'GET',
      path: '/crm/v3/objects/contacts',
      status: 400,
      vendorMessage: 'Property values were not valid',
      retryable: false,
      attempts: 1,
    });
    expect(error.code).toBe(ConnectorErrorCode.HTTP_REQUEST_FAILED);
    expect(error.message).toBe(
      'GET /crm/v3/objects/contacts failed with HTTP 400: Property values were not valid',
    );
    expect(error.retryable).toBe(false);
  });

  it('marks rate limiting as retryable with its own code', () => {
    const error = new RateLimitedError(
      { method: 'POST', path: '/x', status: 429, attempts: 6 },
      3000,
    );
    expect(error.code).toBe(ConnectorErrorCode.RATE_LIMITED);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain('after 6 attempts');
  });
});

describe('extractVendorMessage', () => {
  it('understands the common vendor error bodies', () => {
    expect(extractVendorMessage({ status: 'error', message: 'bad token' })).toBe('bad token');
    expect(extractVendorMessage({ errors: [{ code: 'conflict', message: 'exists' }] })).toBe(
      'exists',
    );
    expect(extractVendorMessage([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' }])).toBe(
      'limit',
    );
    expect(extractVendorMessage({ error: { message: 'nested' } })).toBe('nested');
    expect(extractVendorMessage('plain text')).toBe('plain text');
    expect(extractVendorMessage(undefined)).toBeUndefined();
    expect(extractVendorMessage('x'.repeat(1000))!.length).toBeLessThan(310);
  });
});
