import type { WebhookRequest } from '../../src/connector-sdk';
import { answerMailchimpWebhookGet, verifyMailchimpWebhook } from './webhook-token';

const TOKEN = 'a-long-random-webhook-token';
const ctx = {
  config: { listId: 'a6b5da1054' },
  credentials: { apiKey: 'k-us1', webhookToken: TOKEN },
};

function request(url: string, body = '', method = 'POST'): WebhookRequest {
  return { method, url, headers: {}, rawBody: Buffer.from(body), receivedAt: 0 };
}

describe('Mailchimp webhook token', () => {
  const url = (token: string) =>
    `https://hooks.example.com/webhooks/c1?token=${encodeURIComponent(token)}`;

  it('accepts the token from the URL query, in any position', () => {
    expect(verifyMailchimpWebhook(request(url(TOKEN)), ctx)).toEqual({ ok: true });
    expect(
      verifyMailchimpWebhook(request(`https://h.example.com/w?x=1&token=${TOKEN}&y=2`), ctx),
    ).toEqual({ ok: true });
  });

  it('rejects another token (of any length), none, or no configured token', () => {
    for (const token of ['x', `${TOKEN}x`, TOKEN.toUpperCase()]) {
      expect(verifyMailchimpWebhook(request(url(token)), ctx)).toEqual({
        ok: false,
        reason: 'Invalid webhook token',
      });
    }
    expect(verifyMailchimpWebhook(request('https://h.example.com/w'), ctx)).toMatchObject({
      ok: false,
    });
    expect(
      verifyMailchimpWebhook(request(url(TOKEN)), { ...ctx, credentials: { apiKey: 'k-us1' } }),
    ).toEqual({ ok: false, reason: 'No webhook token configured for this connection' });
  });

  it('rejects a delivery about another audience', () => {
    expect(
      verifyMailchimpWebhook(
        request(url(TOKEN), 'type=profile&data[list_id]=a6b5da1054&data[id]=1'),
        ctx,
      ),
    ).toEqual({ ok: true });
    expect(
      verifyMailchimpWebhook(
        request(url(TOKEN), 'type=profile&data[list_id]=other&data[id]=1'),
        ctx,
      ),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('audience other') });
  });

  it("answers Mailchimp's validation GET: 200 with the token, 401 otherwise", () => {
    expect(answerMailchimpWebhookGet(request(url(TOKEN), '', 'GET'), ctx)).toEqual({ status: 200 });
    expect(answerMailchimpWebhookGet(request(url('nope'), '', 'GET'), ctx)).toEqual({
      status: 401,
      body: { message: 'Invalid webhook token' },
    });
  });
});
