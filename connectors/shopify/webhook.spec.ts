import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../../src/connector-sdk';
import { shopifyBaseUrl } from './http';
import { parseShopifyWebhook } from './parse-webhook';
import { verifyShopifyWebhook } from './webhook-signature';

const SECRET = 'shpss_test_secret';
const BODY =
  '{"id":706405506930370084,"email":"bob@example.com","updated_at":"2024-11-05T10:15:00-05:00","admin_graphql_api_id":"gid://shopify/Customer/706405506930370084"}';
/** Computed with the Node primitive directly, not with the connector's helper. */
const SIGNATURE = createHmac('sha256', SECRET).update(BODY).digest('base64');

function delivery(headers: Record<string, string>, body = BODY): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.com/webhooks/c1',
    headers,
    rawBody: Buffer.from(body),
    receivedAt: Date.now(),
  };
}

const signed = {
  'X-Shopify-Topic': 'customers/update',
  'X-Shopify-Hmac-Sha256': SIGNATURE,
  'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  'X-Shopify-Triggered-At': '2024-11-05T15:15:01.123Z',
};
const ctx = { config: {}, credentials: { accessToken: 't', clientSecret: SECRET } };

describe('Shopify webhooks', () => {
  it('verifies the base64 HMAC of the raw body', () => {
    expect(verifyShopifyWebhook(delivery(signed), ctx)).toEqual({ ok: true });
  });

  it('rejects a tampered body, a wrong secret, or missing headers', () => {
    expect(verifyShopifyWebhook(delivery(signed, BODY.replace('bob', 'eve')), ctx)).toEqual({
      ok: false,
      reason: 'Invalid X-Shopify-Hmac-Sha256 signature',
    });
    const other = { ...ctx, credentials: { accessToken: 't', clientSecret: 'other' } };
    expect(verifyShopifyWebhook(delivery(signed), other)).toMatchObject({ ok: false });
    const { 'X-Shopify-Topic': _topic, ...noTopic } = signed;
    expect(verifyShopifyWebhook(delivery(noTopic), ctx)).toEqual({
      ok: false,
      reason: 'Missing X-Shopify-Topic header',
    });
    const { 'X-Shopify-Hmac-Sha256': _hmac, ...unsigned } = signed;
    expect(verifyShopifyWebhook(delivery(unsigned), ctx)).toMatchObject({ ok: false });
    expect(
      verifyShopifyWebhook(delivery(signed), { config: {}, credentials: { accessToken: 't' } }),
    ).toEqual({ ok: false, reason: 'No client secret configured for this connection' });
  });

  it('parses create/update as upserts carrying the record, keyed by the webhook id', () => {
    const [event] = parseShopifyWebhook(delivery(signed));
    expect(event).toMatchObject({
      dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      kind: 'upsert',
      externalId: '706405506930370084',
      occurredAt: '2024-11-05T15:15:01.123Z',
      record: { email: 'bob@example.com' },
    });
  });

  it('parses customers/delete as a delete, falling back to the event id', () => {
    const { 'X-Shopify-Webhook-Id': _id, ...headers } = signed;
    const events = parseShopifyWebhook(
      delivery({ ...headers, 'X-Shopify-Topic': 'customers/delete' }, '{"id":42}'),
    );
    expect(events).toEqual([
      {
        dedupeKey: '98880550-7158-44d4-b7cd-2c97c8a091b5',
        kind: 'delete',
        externalId: '42',
        occurredAt: '2024-11-05T15:15:01.123Z',
      },
    ]);
  });

  it('ignores other topics', () => {
    expect(
      parseShopifyWebhook(delivery({ ...signed, 'X-Shopify-Topic': 'orders/create' })),
    ).toEqual([]);
  });
});

describe('shopifyBaseUrl', () => {
  it('prefers baseUrl, else builds it from the shop domain and version', () => {
    expect(
      shopifyBaseUrl({ baseUrl: 'http://127.0.0.1:9/admin/api/2024-10', shopDomain: 'x' }),
    ).toBe('http://127.0.0.1:9/admin/api/2024-10');
    expect(shopifyBaseUrl({ shopDomain: 'acme.myshopify.com' })).toBe(
      'https://acme.myshopify.com/admin/api/2024-10',
    );
    expect(shopifyBaseUrl({ shopDomain: 'acme.myshopify.com', apiVersion: '2025-01' })).toBe(
      'https://acme.myshopify.com/admin/api/2025-01',
    );
    expect(() => shopifyBaseUrl({})).toThrow(/shopDomain.*baseUrl/);
  });
});
