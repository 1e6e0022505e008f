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
      }).body,
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

  it('leaves out a status Mailchimp does not know, and joins a list', () => {
    expect(mapOut({ status: 'maybe', 'merge_fields.FNAME': 'Ann' })).toEqual({
      body: { merge_fields: { FNAME: 'Ann' } },
      skipped: [],
    });
    expect(mapOut({ 'merge_fields.TAGS': ['vip', 'b2b'] })).toEqual({
      body: { merge_fields: { TAGS: 'vip, b2b' } },
      skipped: [],
    });
  });

  it('leaves out an address Mailchimp cannot take and names it, with the parts it lacks', () => {
    // A move to Hong Kong, which has no postcodes (nor states).
    expect(
      mapOut({
        'merge_fields.FNAME': 'Kai',
        'merge_fields.ADDRESS': {
          line1: "1 Queen's Road Central",
          city: 'Hong Kong',
          region: null,
          postalCode: ' ',
          country: 'HK',
        },
      }),
    ).toEqual({
      body: { merge_fields: { FNAME: 'Kai' } },
      skipped: [
        {
          field: 'merge_fields.ADDRESS',
          reason:
            'Mailchimp takes an address only with its street (addr1), city, state and zip; this one has no state or zip',
        },
      ],
    });
    // Under whatever merge tag a connection maps the address to.
    expect(mapOut({ 'merge_fields.HOME': { city: 'Paris', country: 'FR' } })).toEqual({
      body: {},
      skipped: [
        {
          field: 'merge_fields.HOME',
          reason:
            'Mailchimp takes an address only with its street (addr1), city, state and zip; this one has no addr1, state or zip',
        },
      ],
    });
  });
});
