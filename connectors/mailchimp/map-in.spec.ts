import { mapMember } from './map-in';
import type { MailchimpMember } from './types';

const member: MailchimpMember = {
  id: '62eeb292278cc15f5817cb78f7790b08',
  email_address: 'urist.mcvankab@freddiesjokes.com',
  status: 'subscribed',
  merge_fields: {
    FNAME: 'Urist',
    LNAME: ' McVankab ',
    PHONE: '+15555550100',
    ADDRESS: {
      addr1: '675 Ponce de Leon Ave NE',
      addr2: 'Suite 5000',
      city: 'Atlanta',
      state: 'GA',
      zip: '30308',
      country: 'us',
    },
    BIRTHDAY: '01/15',
    MMERGE7: 42,
  },
  language: 'es_ES',
  vip: false,
  tags: [
    { id: 1, name: 'customer' },
    { id: 2, name: ' vip ' },
  ],
  list_id: 'a1b2c3d4e5',
  last_changed: '2024-11-05T10:15:00+00:00',
};

describe('mapMember', () => {
  it('maps address, merge fields, consent, language and tags', () => {
    expect(mapMember(member)).toEqual({
      externalId: '62eeb292278cc15f5817cb78f7790b08',
      updatedAt: '2024-11-05T10:15:00.000Z',
      traits: {
        email: 'urist.mcvankab@freddiesjokes.com',
        firstName: 'Urist',
        lastName: 'McVankab',
        phone: '+15555550100',
        address: {
          line1: '675 Ponce de Leon Ave NE',
          line2: 'Suite 5000',
          city: 'Atlanta',
          region: 'GA',
          postalCode: '30308',
          country: 'US',
        },
        emailConsent: 'subscribed',
        locale: 'es-ES',
        tags: ['customer', 'vip'],
        custom: { mailchimp: { BIRTHDAY: '01/15', MMERGE7: 42 } },
      },
    });
  });

  it('reads "" as empty and leaves out what the record did not carry', () => {
    const mapped = mapMember({
      id: 'abc',
      status: 'transactional',
      merge_fields: { FNAME: '', PHONE: '', ADDRESS: '', COMPANY: 'Acme' },
      language: '',
      last_changed: '2024-01-01T00:00:00+00:00',
    });
    expect(mapped.traits).toEqual({
      firstName: null,
      phone: null,
      address: null,
      company: 'Acme',
      // Never opted in to marketing: no consent stated, so no emailConsent (not an opt-out).
      locale: null,
    });
    expect(mapped).not.toHaveProperty('deleted');
  });

  it('maps archived members as deleted', () => {
    expect(mapMember({ ...member, status: 'archived' })).toMatchObject({ deleted: true });
    expect(mapMember({ ...member, status: 'archived' }).traits).not.toHaveProperty('emailConsent');
  });

  it('drops a country that is not a two-letter code and fails without a time', () => {
    const mapped = mapMember({
      ...member,
      merge_fields: { ADDRESS: { addr1: '1 Main St', city: 'Paris', country: 'France' } },
    });
    expect(mapped.traits.address).toEqual({ line1: '1 Main St', city: 'Paris' });
    expect(() => mapMember({ id: 'x' })).toThrow(/last_changed/);
  });
});
