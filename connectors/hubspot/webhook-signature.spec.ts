import type { WebhookRequest } from '../../src/connector-sdk';
import { hubspotSignatureV1, verifyHubspotWebhook } from './webhook-signature';

/** The documented v1 test vector (vendor-apis.md). */
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V1 = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';

/**
 * v3 vector computed outside this code base (Python hmac/hashlib) over
 * "POST" + the URL with HubSpot's listed escapes decoded + BODY + "1700000000000".
 */
const V3_URL =
  'https://hooks.example.com/webhooks/conn-1?note=a%3Ab%2Fc%40d%21e%24f%28g%29%2Ah%2Ci%3Bj%27k';
const V3_TIMESTAMP = 1_700_000_000_000;
const V3 = 'FHWptiReCdGY+qoVxkrt8b5ayUFxsfV+3I4eDB9hj7I=';

const ctx = { config: {}, credentials: { accessToken: 't', clientSecret: SECRET } };

function request(headers: Record<string, string>, overrides: Partial<WebhookRequest> = {}) {
  return {
    method: 'POST',
    url: V3_URL,
    headers,
    rawBody: Buffer.from(BODY),
    receivedAt: V3_TIMESTAMP + 1_000,
    ...overrides,
  };
}

const v3Headers = {
  'x-hubspot-signature-v3': V3,
  'x-hubspot-request-timestamp': String(V3_TIMESTAMP),
};

describe('HubSpot webhook signatures', () => {
  it('computes the documented v1 vector', () => {
    expect(hubspotSignatureV1(BODY, SECRET)).toBe(V1);
  });

  it('accepts v1 with X-HubSpot-Signature-Version: v1, whatever the header casing', () => {
    const headers = { 'X-HubSpot-Signature': V1, 'X-HubSpot-Signature-Version': 'v1' };
    expect(verifyHubspotWebhook(request(headers), ctx)).toEqual({ ok: true });
  });

  it('rejects a v1 signature over another body, or of an unknown version', () => {
    const headers = { 'x-hubspot-signature': V1, 'x-hubspot-signature-version': 'v1' };
    const tampered = request(headers, { rawBody: Buffer.from(BODY.replace('123', '124')) });
    expect(verifyHubspotWebhook(tampered, ctx)).toMatchObject({ ok: false });
    const v2 = { ...headers, 'x-hubspot-signature-version': 'v2' };
    expect(verifyHubspotWebhook(request(v2), ctx)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('v2'),
    });
  });

  it('accepts v3 over the URI with the listed escapes decoded', () => {
    expect(verifyHubspotWebhook(request(v3Headers), ctx)).toEqual({ ok: true });
  });

  it('prefers v3: a valid v1 does not save an invalid v3', () => {
    const headers = {
      ...v3Headers,
      'x-hubspot-signature-v3': V3.replace('F', 'G'),
      'x-hubspot-signature': V1,
      'x-hubspot-signature-version': 'v1',
    };
    expect(verifyHubspotWebhook(request(headers), ctx)).toEqual({
      ok: false,
      reason: 'Invalid X-HubSpot-Signature-v3',
    });
  });

  it('rejects v3 with another method, URL or body', () => {
    for (const overrides of [
      { method: 'PUT' },
      { url: V3_URL.replace('conn-1', 'conn-2') },
      { rawBody: Buffer.from(`${BODY} `) },
    ]) {
      expect(verifyHubspotWebhook(request(v3Headers, overrides), ctx)).toMatchObject({ ok: false });
    }
  });

  it('rejects a v3 timestamp older than 5 minutes (replay) or missing', () => {
    const late = request(v3Headers, { receivedAt: V3_TIMESTAMP + 5 * 60 * 1000 + 1 });
    expect(verifyHubspotWebhook(late, ctx)).toEqual({
      ok: false,
      reason: 'HubSpot request timestamp is older than 5 minutes',
    });
    const justInTime = request(v3Headers, { receivedAt: V3_TIMESTAMP + 5 * 60 * 1000 });
    expect(verifyHubspotWebhook(justInTime, ctx)).toEqual({ ok: true });
    const noTimestamp = request({ 'x-hubspot-signature-v3': V3 });
    expect(verifyHubspotWebhook(noTimestamp, ctx)).toMatchObject({ ok: false });
  });

  it('explains a missing signature or client secret', () => {
    expect(verifyHubspotWebhook(request({}), ctx)).toEqual({
      ok: false,
      reason: 'Missing X-HubSpot-Signature-v3 header',
    });
    expect(
      verifyHubspotWebhook(request(v3Headers), { config: {}, credentials: { accessToken: 't' } }),
    ).toEqual({ ok: false, reason: 'No client secret configured for this connection' });
  });
});
