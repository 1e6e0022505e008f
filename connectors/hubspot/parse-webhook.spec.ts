import type { WebhookRequest } from '../../src/connector-sdk';
import { parseHubspotWebhook } from './parse-webhook';

function delivery(events: unknown): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.com/webhooks/c1',
    headers: {},
    rawBody: Buffer.from(JSON.stringify(events)),
    receivedAt: Date.now(),
  };
}

const base = { subscriptionId: 1, portalId: 62515, appId: 54321, attemptNumber: 0 };

describe('parseHubspotWebhook', () => {
  it('turns one delivery of several events into one event each, deduplicated by eventId', () => {
    const events = parseHubspotWebhook(
      delivery([
        { ...base, eventId: 10, subscriptionType: 'contact.creation', objectId: 1, occurredAt: 0 },
        {
          ...base,
          eventId: 11,
          subscriptionType: 'contact.propertyChange',
          objectId: 2,
          propertyName: 'email',
          propertyValue: 'a@x.com',
          occurredAt: 1564113600000,
        },
        { ...base, eventId: 12, subscriptionType: 'contact.deletion', objectId: 3 },
        { ...base, eventId: 13, subscriptionType: 'contact.privacyDeletion', objectId: 4 },
        { ...base, eventId: 14, subscriptionType: 'company.creation', objectId: 5 },
      ]),
    );
    expect(events).toEqual([
      {
        dedupeKey: 'hubspot:10',
        kind: 'fetch',
        externalId: '1',
        occurredAt: '1970-01-01T00:00:00.000Z',
      },
      {
        dedupeKey: 'hubspot:11',
        kind: 'fetch',
        externalId: '2',
        occurredAt: '2019-07-26T04:00:00.000Z',
      },
      { dedupeKey: 'hubspot:12', kind: 'delete', externalId: '3' },
      { dedupeKey: 'hubspot:13', kind: 'delete', externalId: '4' },
    ]);
  });

  it('rejects a body that is not an array of events', () => {
    expect(() => parseHubspotWebhook(delivery({ eventId: 1 }))).toThrow(/array/);
  });
});
