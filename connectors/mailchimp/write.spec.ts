import { subscriberHash } from './subscriber-hash';
import { targetHash, upsertBody } from './write';

const config = { listId: 'a1b2c3d4e5' };
const fields = {
  email_address: 'ann@example.com',
  status: 'subscribed',
  'merge_fields.FNAME': 'Ann',
  'merge_fields.PHONE': '+15550001111',
};

describe('upsertBody', () => {
  it('sends every field to a member we do not know, consent only as status_if_new', () => {
    expect(
      upsertBody({ profileId: 'p', fields, changed: fields }, 'ann@example.com', config).body,
    ).toEqual({
      email_address: 'ann@example.com',
      status_if_new: 'subscribed',
      merge_fields: { FNAME: 'Ann', PHONE: '+15550001111' },
    });
  });

  it('sends a known member only what changed, and status when consent changed', () => {
    const known = { profileId: 'p', externalId: subscriberHash('ann@example.com'), fields };
    expect(
      upsertBody(
        { ...known, changed: { 'merge_fields.PHONE': '+1555' } },
        'ann@example.com',
        config,
      ).body,
    ).toEqual({
      email_address: 'ann@example.com',
      status_if_new: 'subscribed',
      merge_fields: { PHONE: '+1555' },
    });
    expect(
      upsertBody({ ...known, changed: { status: 'unsubscribed' } }, 'ann@example.com', config).body,
    ).toEqual({
      email_address: 'ann@example.com',
      status_if_new: 'subscribed',
      status: 'unsubscribed',
    });
  });

  it('falls back to the configured status for new members, transactional by default', () => {
    const unknown = { profileId: 'p', fields: { email_address: 'a@b.co' }, changed: {} };
    expect(upsertBody(unknown, 'a@b.co', config).body.status_if_new).toBe('transactional');
    expect(
      upsertBody(unknown, 'a@b.co', { ...config, statusIfNew: 'pending' }).body.status_if_new,
    ).toBe('pending');
  });

  it('reports an incomplete address it sends as not written, and only one it sends', () => {
    const moved = { line1: "1 Queen's Road Central", city: 'Hong Kong', country: 'HK' };
    const known = {
      profileId: 'p',
      externalId: subscriberHash('ann@example.com'),
      fields: { ...fields, 'merge_fields.ADDRESS': moved },
    };
    const skipped = [
      {
        field: 'merge_fields.ADDRESS',
        reason:
          'Mailchimp takes an address only with its street (addr1), city, state and zip; this one has no state or zip',
      },
    ];
    const changed = { 'merge_fields.FNAME': 'Annie', 'merge_fields.ADDRESS': moved };
    expect(upsertBody({ ...known, changed }, 'ann@example.com', config)).toEqual({
      body: {
        email_address: 'ann@example.com',
        status_if_new: 'subscribed',
        merge_fields: { FNAME: 'Annie' },
      },
      skipped,
    });
    // A member we do not know yet is sent every field: the address is left out of those.
    expect(
      upsertBody({ ...known, externalId: undefined, changed }, 'ann@example.com', config),
    ).toMatchObject({ skipped });
    // An address that did not change is not sent, so not reported.
    expect(
      upsertBody(
        { ...known, changed: { 'merge_fields.FNAME': 'Annie' } },
        'ann@example.com',
        config,
      ).skipped,
    ).toEqual([]);
  });
});

describe('targetHash', () => {
  it('is the current address, or the old member when the address itself changed', () => {
    const old = subscriberHash('old@example.com');
    const item = { profileId: 'p', externalId: old, fields: { email_address: 'new@example.com' } };
    expect(
      targetHash({ ...item, changed: { email_address: 'new@example.com' } }, 'new@example.com'),
    ).toBe(old);
    expect(targetHash({ ...item, changed: {} }, 'new@example.com')).toBe(
      subscriberHash('new@example.com'),
    );
  });
});
