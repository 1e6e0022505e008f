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
      upsertBody({ profileId: 'p', fields, changed: fields }, 'ann@example.com', config),
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
      ),
    ).toEqual({
      email_address: 'ann@example.com',
      status_if_new: 'subscribed',
      merge_fields: { PHONE: '+1555' },
    });
    expect(
      upsertBody({ ...known, changed: { status: 'unsubscribed' } }, 'ann@example.com', config),
    ).toEqual({
      email_address: 'ann@example.com',
      status_if_new: 'subscribed',
      status: 'unsubscribed',
    });
  });

  it('falls back to the configured status for new members, transactional by default', () => {
    const unknown = { profileId: 'p', fields: { email_address: 'a@b.co' }, changed: {} };
    expect(upsertBody(unknown, 'a@b.co', config).status_if_new).toBe('transactional');
    expect(upsertBody(unknown, 'a@b.co', { ...config, statusIfNew: 'pending' }).status_if_new).toBe(
      'pending',
    );
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
