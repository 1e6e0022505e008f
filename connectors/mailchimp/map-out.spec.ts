import { mapOut } from './map-out';

describe('mapOut', () => {
  it('nests merge fields, turns consent into status and an address into ADDRESS', () => {
    expect(
      mapOut({
        email_address: ' ann@example.com ',
        status: 'unsubscribed',
        'merge_fields.FNAME': 'Ann',
        'merge_fields.PHONE': null,
        'merge_fields.SCORE': 7,
        'merge_fields.ADDRESS': {
          line1: '1 Peachtree St',
          line2: null,
          city: 'Atlanta',
          region: 'GA',
          postalCode: '30308',
          country: 'us',
        },
        language: 'fr',
        'location.latitude': 33.7,
      }),
    ).toEqual({
      email_address: 'ann@example.com',
      status: 'unsubscribed',
      merge_fields: {
        FNAME: 'Ann',
        // How Mailchimp clears a merge field.
        PHONE: '',
        SCORE: 7,
        ADDRESS: {
          addr1: '1 Peachtree St',
          city: 'Atlanta',
          state: 'GA',
          zip: '30308',
          country: 'US',
        },
      },
      language: 'fr',
      location: { latitude: 33.7 },
    });
  });

  it('leaves out an incomplete address and a status Mailchimp does not know', () => {
    expect(
      mapOut({
        status: 'maybe',
        'merge_fields.ADDRESS': { city: 'Paris', country: 'FR' },
        'merge_fields.FNAME': 'Ann',
      }),
    ).toEqual({ merge_fields: { FNAME: 'Ann' } });
    expect(mapOut({ 'merge_fields.TAGS': ['vip', 'b2b'] })).toEqual({
      merge_fields: { TAGS: 'vip, b2b' },
    });
  });
});
