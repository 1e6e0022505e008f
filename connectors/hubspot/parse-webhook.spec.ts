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
    expect(events).toEqual([
      {
        dedupeKey: 'hubspot:10:contact.creation:1:0:',
        kind: 'fetch',
        externalId: '1',
        occurredAt: '1970-01-01T00:00:00.000Z',
      },
      {
        dedupeKey: 'hubspot:11:contact.propertyChange:2:1564113600000:email',
        kind: 'fetch',
        externalId: '2',
        occurredAt: '2019-07-26T04:00:00.000Z',
      },
      { dedupeKey: 'hubspot:12:contact.deletion:3::', kind: 'delete', externalId: '3' },
      { dedupeKey: 'hubspot:13:contact.privacyDeletion:4::', kind: 'delete', externalId: '4' },
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

  describe('with a portalId configured', () => {
    const ours = { config: { portalId: 62515 } };
    const creation = { ...base, subscriptionType: 'contact.creation', occurredAt: 0 };

    it("ignores other portals' events, which share the app's URL and secret", () => {
      const events = parseHubspotWebhook(
        delivery([
          { ...creation, eventId: 30, objectId: 1 },
          { ...creation, eventId: 31, objectId: 2, portalId: 99001 },
          {
            ...base,
            eventId: 32,
            subscriptionType: 'contact.deletion',
            objectId: 3,
            portalId: 99001,
          },
          {
            ...base,
            eventId: 33,
            subscriptionType: 'contact.merge',
            objectId: 4,
            primaryObjectId: 4,
            mergedObjectIds: [5],
            portalId: 99001,
          },
          { ...base, eventId: 34, subscriptionType: 'contact.deletion', objectId: 6 },
        ]),
        ours,
      );
      expect(events.map(({ kind, externalId }) => ({ kind, externalId }))).toEqual([
        { kind: 'fetch', externalId: '1' },
        { kind: 'delete', externalId: '6' },
      ]);
    });

    it('ignores an event that names no portal', () => {
      const { portalId: _portalId, ...anonymous } = creation;
      expect(
        parseHubspotWebhook(delivery([{ ...anonymous, eventId: 40, objectId: 1 }]), ours),
      ).toEqual([]);
    });

    it("does not refuse a delivery over another portal's malformed event", () => {
      const events = parseHubspotWebhook(
        delivery([
          { ...creation, eventId: 50, objectId: 1 },
          { ...base, subscriptionType: 'contact.creation', portalId: 99001 },
        ]),
        ours,
      );
      expect(events.map((e) => e.externalId)).toEqual(['1']);
    });

    it('takes every portal as before when none is configured', () => {
      const foreign = delivery([{ ...creation, eventId: 60, objectId: 1, portalId: 99001 }]);
      expect(parseHubspotWebhook(foreign, { config: {} })).toHaveLength(1);
      expect(parseHubspotWebhook(foreign)).toHaveLength(1);
    });
  });

  it('rejects a body that is not an array of events', () => {
    expect(() => parseHubspotWebhook(delivery({ eventId: 1 }))).toThrow(/array/);
  });
});
