import { HttpRequestParts, signatureUrl, toInboundWebhook } from './inbound-webhook';

const request = (overrides: Partial<HttpRequestParts> = {}): HttpRequestParts => ({
  id: 'req-1',
  method: 'POST',
  url: '/webhooks/abc?x=%3A1',
  protocol: 'http',
  host: '127.0.0.1:3000',
  headers: { 'content-type': 'application/json; charset=utf-8' },
  rawBody: Buffer.from('[]'),
  ...overrides,
});

describe('inbound webhook', () => {
  it('signs over PUBLIC_URL + path (query included) when configured', () => {
    expect(signatureUrl('https://hooks.example.com/base', request())).toBe(
      'https://hooks.example.com/base/webhooks/abc?x=%3A1',
    );
  });

  it('otherwise signs over the URL as received (scheme and host as the client saw them)', () => {
    expect(
      signatureUrl(undefined, request({ protocol: 'https', host: 'public.example.org' })),
    ).toBe('https://public.example.org/webhooks/abc?x=%3A1');
  });

  it('keeps the raw bytes, flattens repeated headers and reads the media type', () => {
    const inbound = toInboundWebhook(
      request({
        headers: { 'content-type': 'Application/JSON ; charset=utf-8', 'x-repeated': ['a', 'b'] },
      }),
      undefined,
      1_700_000_000_000,
    );
    expect(inbound).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:3000/webhooks/abc?x=%3A1',
      headers: { 'content-type': 'Application/JSON ; charset=utf-8', 'x-repeated': 'a, b' },
      rawBody: Buffer.from('[]'),
      receivedAt: 1_700_000_000_000,
      mediaType: 'application/json',
      requestId: 'req-1',
    });
  });

  it('has no media type without a Content-Type, and an empty body without raw bytes', () => {
    const inbound = toInboundWebhook(request({ headers: {}, rawBody: undefined }), undefined);
    expect(inbound.mediaType).toBeUndefined();
    expect(inbound.rawBody).toEqual(Buffer.alloc(0));
  });
});
