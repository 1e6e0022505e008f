/**
 * The HubSpot emulator's signed deliveries, received by a real local HTTP listener and checked
 * with the HubSpot connector: both signatures it sends verify, and tampering is caught.
 */
import { connector } from '../../../connectors/hubspot';
import { startWebhookListener, WebhookListener } from '../../support/webhook-listener';
import { sendHubspotWebhook } from './send-webhook';

const SECRET = 'hubspot-client-secret';
const creds = { config: {}, credentials: { accessToken: 't', clientSecret: SECRET } };

let listener: WebhookListener;

beforeEach(async () => {
  listener = await startWebhookListener(204);
});

afterEach(() => listener.close());

describe('HubspotEmulator.sendWebhook', () => {
  it('sends a v3- and v1-signed batch that verifies and parses event by event', async () => {
    // A query string with an escaped ":" exercises the v3 URI decoding.
    const url = `${listener.url}/webhooks/conn-1?source=hubspot%3Aportal`;
    const sent = await sendHubspotWebhook(
      url,
      [
        { subscriptionType: 'contact.creation', objectId: 101, eventId: 1 },
        { subscriptionType: 'contact.propertyChange', objectId: 102, eventId: 2 },
        { subscriptionType: 'contact.deletion', objectId: 103, eventId: 3 },
      ],
      { clientSecret: SECRET },
    );
    expect(sent.status).toBe(204);
    const [delivery] = listener.received;
    expect(connector.verifyWebhook!(delivery, creds)).toEqual({ ok: true });

    // The legacy header alone (as older subscriptions send it) verifies too.
    const {
      'x-hubspot-signature-v3': _v3,
      'x-hubspot-request-timestamp': _ts,
      ...legacyOnly
    } = delivery.headers;
    expect(connector.verifyWebhook!({ ...delivery, headers: legacyOnly }, creds)).toEqual({
      ok: true,
    });

    expect(
      connector.parseWebhook!(delivery).map(({ dedupeKey, kind, externalId }) => ({
        eventId: dedupeKey.split(':')[1],
        kind,
        externalId,
      })),
    ).toEqual([
      { eventId: '1', kind: 'fetch', externalId: '101' },
      { eventId: '2', kind: 'fetch', externalId: '102' },
      { eventId: '3', kind: 'delete', externalId: '103' },
    ]);
  });

  it('a tampered body, a wrong secret or an old timestamp does not verify', async () => {
    const url = `${listener.url}/webhooks/conn-1`;
    const events = [{ subscriptionType: 'contact.creation' as const, objectId: 7 }];
    await sendHubspotWebhook(url, events, { clientSecret: SECRET });
    await sendHubspotWebhook(url, events, { clientSecret: 'other-secret' });
    await sendHubspotWebhook(url, events, {
      clientSecret: SECRET,
      timestamp: Date.now() - 6 * 60 * 1000,
    });
    const [genuine, forged, stale] = listener.received;
    const tampered = {
      ...genuine,
      rawBody: Buffer.from(genuine.rawBody.toString().replace('"objectId":7', '"objectId":8')),
    };
    expect(connector.verifyWebhook!(tampered, creds)).toMatchObject({ ok: false });
    expect(connector.verifyWebhook!(forged, creds)).toMatchObject({ ok: false });
    expect(connector.verifyWebhook!(stale, creds)).toEqual({
      ok: false,
      reason: 'HubSpot request timestamp is older than 5 minutes',
    });
  });
});
