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
  it('turns one delivery of several events into one event each', () => {
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
    const account = '62515';
    expect(events).toEqual([
      {
        dedupeKey: 'hubspot:10:contact.creation:1:0:',
        kind: 'fetch',
        externalId: '1',
        occurredAt: '1970-01-01T00:00:00.000Z',
        account,
      },
      {
        dedupeKey: 'hubspot:11:contact.propertyChange:2:1564113600000:email',
        kind: 'fetch',
        externalId: '2',
        occurredAt: '2019-07-26T04:00:00.000Z',
        account,
      },
      { dedupeKey: 'hubspot:12:contact.deletion:3::', kind: 'delete', externalId: '3', account },
      {
        dedupeKey: 'hubspot:13:contact.privacyDeletion:4::',
        kind: 'delete',
        externalId: '4',
        account,
      },
    ]);
  });

  it('keeps a retried event a replay but tells apart distinct events that share an eventId', () => {
    // HubSpot: eventId "is not guaranteed to be unique"; retries differ only in attemptNumber.
    const change = {
      ...base,
      eventId: 77,
      subscriptionType: 'contact.propertyChange',
      objectId: 9,
      propertyName: 'firstname',
      occurredAt: 1564113600000,
    };
    const [first] = parseHubspotWebhook(delivery([change]));
    const [retry] = parseHubspotWebhook(delivery([{ ...change, attemptNumber: 3 }]));
    const [otherContact] = parseHubspotWebhook(delivery([{ ...change, objectId: 10 }]));
    const [otherProperty] = parseHubspotWebhook(delivery([{ ...change, propertyName: 'email' }]));
    expect(retry.dedupeKey).toBe(first.dedupeKey);
    expect(new Set([first, otherContact, otherProperty].map((e) => e.dedupeKey)).size).toBe(3);
  });

  it('a merge ends the secondary contacts and fetches the resulting one', () => {
    const events = parseHubspotWebhook(
      delivery([
        {
          ...base,
          eventId: 20,
          subscriptionType: 'contact.merge',
          objectId: 100,
          primaryObjectId: 100,
          mergedObjectIds: [200, 300],
          newObjectId: 100,
          occurredAt: 1564113600000,
        },
      ]),
    );
    expect(events.map(({ kind, externalId }) => ({ kind, externalId }))).toEqual([
      { kind: 'fetch', externalId: '100' },
      { kind: 'delete', externalId: '200' },
      { kind: 'delete', externalId: '300' },
    ]);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(3);
    expect(events.every((e) => e.occurredAt === '2019-07-26T04:00:00.000Z')).toBe(true);
  });

  it('a merge into a new id ends both former contacts', () => {
    const events = parseHubspotWebhook(
      delivery([
        {
          ...base,
          eventId: 21,
          subscriptionType: 'contact.merge',
          objectId: 100,
          primaryObjectId: 100,
          mergedObjectIds: [200],
          newObjectId: 500,
        },
      ]),
    );
    expect(events.map(({ kind, externalId }) => ({ kind, externalId }))).toEqual([
      { kind: 'fetch', externalId: '500' },
      { kind: 'delete', externalId: '100' },
      { kind: 'delete', externalId: '200' },
    ]);
  });

  it("names each event's portal as its account, for the runtime to hand to that portal's connection", () => {
    const creation = { ...base, subscriptionType: 'contact.creation', occurredAt: 0 };
    const { portalId: _portalId, ...anonymous } = creation;
    const events = parseHubspotWebhook(
      delivery([
        { ...creation, eventId: 30, objectId: 1, portalId: 62515 },
        {
          ...base,
          eventId: 33,
          subscriptionType: 'contact.merge',
          objectId: 4,
          primaryObjectId: 4,
          mergedObjectIds: [5],
          portalId: 99001,
        },
        { ...anonymous, eventId: 40, objectId: 7 },
      ]),
    );
    expect(events.map(({ kind, externalId, account }) => ({ kind, externalId, account }))).toEqual([
      { kind: 'fetch', externalId: '1', account: '62515' },
      { kind: 'fetch', externalId: '4', account: '99001' },
      { kind: 'delete', externalId: '5', account: '99001' },
      // No portal: only a connection bound to none takes it.
      { kind: 'fetch', externalId: '7', account: undefined },
    ]);
  });

  it('rejects a body that is not an array of events', () => {
    expect(() => parseHubspotWebhook(delivery({ eventId: 1 }))).toThrow(/array/);
  });
});
