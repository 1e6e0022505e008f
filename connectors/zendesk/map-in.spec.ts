import { mapUser, splitName } from './map-in';
import type { ZendeskUser } from './types';

const user: ZendeskUser = {
  id: 369531345753,
  name: 'Ann Lee',
  email: 'ann.lee@example.com',
  phone: '+15550100001',
  external_id: 'profile-1',
  role: 'end-user',
  locale: 'en-GB',
  time_zone: 'London',
  iana_time_zone: 'Europe/London',
  tags: ['vip', 'newsletter'],
  user_fields: { company: 'Acme', plan: 'gold' },
  active: true,
  created_at: '2018-11-23T16:05:13Z',
  updated_at: '2024-11-05T10:15:00Z',
};

describe('mapUser', () => {
  it('maps a left-out user (staff) to an out-of-scope deletion that carries nothing', () => {
    expect(
      mapUser({
        leftOut: 'staff',
        id: 369531345753,
        role: 'agent',
        updated_at: '2024-11-05T10:15:00Z',
      }),
    ).toEqual({
      externalId: '369531345753',
      updatedAt: '2024-11-05T10:15:00.000Z',
      deleted: true,
      outOfScope: true,
      traits: {},
    });
  });

  it('maps contact details, names, locale, IANA zone, tags and the company user field', () => {
    expect(mapUser(user)).toEqual({
      externalId: '369531345753',
      updatedAt: '2024-11-05T10:15:00.000Z',
      traits: {
        email: 'ann.lee@example.com',
        phone: '+15550100001',
        firstName: 'Ann',
        lastName: 'Lee',
        locale: 'en-GB',
        timezone: 'Europe/London',
        tags: ['vip', 'newsletter'],
        company: 'Acme',
        custom: { zendesk: { role: 'end-user', name: 'Ann Lee' } },
      },
    });
  });

  it('keeps null as empty, leaves out what Zendesk did not send, ignores Rails zone names', () => {
    const mapped = mapUser({
      id: 7,
      email: null,
      phone: ' ',
      time_zone: 'Copenhagen',
      user_fields: { company: null },
      updated_at: '2024-01-01T00:00:00Z',
    });
    expect(mapped.traits).toEqual({ email: null, phone: null, company: null });
  });

  it('maps a deleted user (active false) as a deletion without traits', () => {
    expect(mapUser({ ...user, active: false, name: 'Permanently Deleted User' })).toEqual({
      externalId: '369531345753',
      updatedAt: '2024-11-05T10:15:00.000Z',
      deleted: true,
      traits: {},
    });
  });

  it('fails without an id or a usable updated_at', () => {
    expect(() => mapUser({ ...user, updated_at: undefined, created_at: undefined })).toThrow(
      /updated_at/,
    );
    expect(() => mapUser({ ...user, id: undefined as unknown as number })).toThrow(/no id/);
  });
});

describe('splitName', () => {
  it('splits one or two words, and says nothing about three or more', () => {
    expect(splitName('Cher')).toEqual({ firstName: 'Cher' });
    expect(splitName('  Ann   Lee ')).toEqual({ firstName: 'Ann', lastName: 'Lee' });
    expect(splitName('Mary Ann Smith')).toEqual({});
    expect(splitName('Gabriel García Márquez')).toEqual({});
  });

  it('treats stand-ins (email, its local part, digits, the external id) as no name', () => {
    expect(splitName('ann@example.com')).toEqual({});
    expect(splitName('ann.lee', { email: 'Ann.Lee@example.com' })).toEqual({});
    expect(splitName('+1 555 0100')).toEqual({});
    expect(splitName('8c1f0d4e', { external_id: '8C1F0D4E' })).toEqual({});
    expect(splitName(null)).toEqual({});
    expect(splitName(undefined)).toEqual({});
  });
});
