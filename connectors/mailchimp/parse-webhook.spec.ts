import type { WebhookRequest } from '../../src/connector-sdk';
import { firedAt, parseMailchimpWebhook } from './parse-webhook';
import { subscriberHash } from './subscriber-hash';

function delivery(body: string): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.com/webhooks/c1?token=t',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(body),
    receivedAt: Date.parse('2025-01-24T15:30:05Z'),
  };
}

/** Field for field as Mailchimp's webhook documentation shows a profile update. */
const PROFILE =
  'type=profile&fired_at=2009-03-26+21%3A31%3A21&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a6b5da1054' +
  '&data%5Bemail%5D=api%40mailchimp.com&data%5Bemail_type%5D=html&data%5Bmerges%5D%5BEMAIL%5D=api%40mailchimp.com' +
  '&data%5Bmerges%5D%5BFNAME%5D=Mailchimp&data%5Bmerges%5D%5BLNAME%5D=API' +
  '&data%5Bmerges%5D%5BINTERESTS%5D=Group1%2CGroup2&data%5Bip_opt%5D=10.20.10.30';

describe('parseMailchimpWebhook', () => {
  it('turns a profile update, which states no status, into a fetch of the member', () => {
    // Built from the delivery, the member's new version would have no status, and would replace
    // the held one whole: the consent Mailchimp holds for them would be lost.
    expect(PROFILE).not.toMatch(/status/);
    expect(parseMailchimpWebhook(delivery(PROFILE))).toEqual([
      {
        dedupeKey: expect.stringMatching(/^mailchimp:[0-9a-f]{32}$/),
        kind: 'fetch',
        externalId: subscriberHash('api@mailchimp.com'),
        occurredAt: '2009-03-26T21:31:21.000Z',
      },
    ]);
  });

  it('reads a subscribe into an upsert of a member-shaped record', () => {
    const subscribe = PROFILE.replace('type=profile', 'type=subscribe');
    expect(parseMailchimpWebhook(delivery(subscribe))).toEqual([
      {
        dedupeKey: expect.stringMatching(/^mailchimp:[0-9a-f]{32}$/),
        kind: 'upsert',
        externalId: subscriberHash('api@mailchimp.com'),
        occurredAt: '2009-03-26T21:31:21.000Z',
        record: {
          id: subscriberHash('api@mailchimp.com'),
          email_address: 'api@mailchimp.com',
          status: 'subscribed',
          list_id: 'a6b5da1054',
          last_changed: '2009-03-26T21:31:21.000Z',
          // EMAIL repeats the address and INTERESTS are groups, not merge fields.
          merge_fields: { FNAME: 'Mailchimp', LNAME: 'API' },
        },
      },
    ]);
  });

  it('keys members by the subscriber hash of their address, never by data[id]', () => {
    // data[id] is the member's 10-character unique_email_id; reads and writes key members by
    // the MD5 of the lower-cased address, so a webhook must name the same source record.
    const upper = PROFILE.replace(/api%40mailchimp\.com/g, 'API%40Mailchimp.com');
    const [event] = parseMailchimpWebhook(delivery(upper));
    expect(event.externalId).toBe(subscriberHash('api@mailchimp.com'));
    expect(event.externalId).toMatch(/^[0-9a-f]{32}$/);
    const [subscribed] = parseMailchimpWebhook(
      delivery(upper.replace('type=profile', 'type=subscribe')),
    );
    expect(subscribed.record!.id).toBe(event.externalId);
  });

  it('keys a delivery by its content, whatever the order of its parameters', () => {
    const [a] = parseMailchimpWebhook(delivery(PROFILE));
    const reordered = PROFILE.split('&').reverse().join('&');
    const [b] = parseMailchimpWebhook(delivery(reordered));
    const [c] = parseMailchimpWebhook(delivery(PROFILE.replace('21%3A31%3A21', '21%3A31%3A22')));
    expect(b.dedupeKey).toBe(a.dedupeKey);
    expect(c.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('reads unsubscribe (unsub, or delete), cleaned and upemail', () => {
    const base = 'fired_at=2009-03-26+21%3A40%3A57&data[list_id]=a6b5da1054';
    const [unsub] = parseMailchimpWebhook(
      delivery(
        `type=unsubscribe&${base}&data[action]=unsub&data[reason]=manual&data[id]=8a25ff1d98&data[email]=api%2Bunsub%40mailchimp.com`,
      ),
    );
    expect(unsub.record).toMatchObject({
      status: 'unsubscribed',
      email_address: 'api+unsub@mailchimp.com',
    });
    expect(
      parseMailchimpWebhook(
        delivery(
          `type=unsubscribe&${base}&data[action]=delete&data[id]=8a25ff1d98&data[email]=a%40b.co`,
        ),
      ),
    ).toEqual([
      {
        dedupeKey: expect.any(String),
        kind: 'delete',
        externalId: subscriberHash('a@b.co'),
        occurredAt: '2009-03-26T21:40:57.000Z',
      },
    ]);
    const [cleaned] = parseMailchimpWebhook(
      delivery(
        `type=cleaned&${base}&data[campaign_id]=4fjk2ma9xd&data[reason]=hard&data[email]=api%2Bcleaned%40mailchimp.com`,
      ),
    );
    expect(cleaned).toMatchObject({
      kind: 'upsert',
      externalId: subscriberHash('api+cleaned@mailchimp.com'),
      record: { status: 'cleaned', email_address: 'api+cleaned@mailchimp.com' },
    });
    const changed = parseMailchimpWebhook(
      delivery(
        `type=upemail&${base}&data[new_id]=51da8c3259&data[new_email]=api%2Bnew%40mailchimp.com&data[old_email]=api%2Bold%40mailchimp.com`,
      ),
    );
    // new_id is the new address's unique_email_id: the record under the old hash ends, and the
    // member is keyed by the new hash, fetched whole (the delivery states no status) and known
    // by the old address too, so it stays with the profile that held it.
    expect(changed).toEqual([
      {
        dedupeKey: expect.stringMatching(/:old$/),
        kind: 'delete',
        externalId: subscriberHash('api+old@mailchimp.com'),
        occurredAt: '2009-03-26T21:40:57.000Z',
      },
      {
        dedupeKey: expect.stringMatching(/:new$/),
        kind: 'fetch',
        externalId: subscriberHash('api+new@mailchimp.com'),
        occurredAt: '2009-03-26T21:40:57.000Z',
        alsoKnownAs: [{ type: 'email', value: 'api+old@mailchimp.com' }],
      },
    ]);
    // Only the letter case changed: the same member id, nothing ends.
    expect(
      parseMailchimpWebhook(
        delivery(
          `type=upemail&${base}&data[new_id]=51da8c3259&data[new_email]=Api%40mailchimp.com&data[old_email]=api%40mailchimp.com`,
        ),
      ).map((event) => [event.kind, event.externalId]),
    ).toEqual([['fetch', subscriberHash('api@mailchimp.com')]]);
  });

  it('ignores campaign deliveries and rejects what is not a delivery', () => {
    expect(
      parseMailchimpWebhook(
        delivery(
          'type=campaign&fired_at=2009-03-26+21%3A31%3A21&data[id]=5aa2102003&data[status]=sent',
        ),
      ),
    ).toEqual([]);
    expect(() => parseMailchimpWebhook(delivery('{"type":"profile"}'))).toThrow(/Not a Mailchimp/);
    expect(() => parseMailchimpWebhook(delivery('type=profile&data[merges][FNAME]=Ann'))).toThrow(
      /names no member/,
    );
    expect(() => parseMailchimpWebhook(delivery('type=profile&data[id]=8a25ff1d98'))).toThrow(
      /names no member/,
    );
  });

  it('reads fired_at as UTC, and falls back to the receive time without one', () => {
    expect(firedAt('2025-01-24 15:30:00')).toBe('2025-01-24T15:30:00.000Z');
    expect(firedAt('garbage')).toBeUndefined();
    const [event] = parseMailchimpWebhook(delivery('type=subscribe&data[email]=a%40b.co'));
    expect(event.occurredAt).toBeUndefined();
    expect(event.record!.last_changed).toBe('2025-01-24T15:30:05.000Z');
  });
});
