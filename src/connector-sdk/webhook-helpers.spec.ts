import { signaturesMatch, webhookHeader } from './webhook-helpers';

describe('webhook helpers', () => {
  it('finds a header whatever its casing', () => {
    expect(webhookHeader({ 'X-Shopify-Topic': 'customers/update' }, 'x-shopify-topic')).toBe(
      'customers/update',
    );
    expect(webhookHeader({}, 'x-missing')).toBeUndefined();
  });

  it('matches equal signatures and rejects different or differently sized ones without throwing', () => {
    const a = Buffer.from('c2lnbmF0dXJl', 'base64');
    expect(signaturesMatch(a, Buffer.from(a))).toBe(true);
    expect(signaturesMatch(a, Buffer.from('c2lnbmF0dXJm', 'base64'))).toBe(false);
    expect(signaturesMatch(a, Buffer.alloc(3))).toBe(false);
  });
});
