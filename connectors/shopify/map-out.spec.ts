import { mapOut } from './map-out';

describe('mapOut', () => {
  const fields = {
    email: 'ann@example.com',
    phone: '+15550100001',
    first_name: 'Ann',
    last_name: 'Lee',
    'default_address.company': 'Acme',
    'default_address.address1': '1 Main St',
    'default_address.city': 'Ottawa',
    'default_address.province_code': 'on',
    'default_address.zip': 'K1A 0B1',
    'default_address.country_code': 'ca',
  };

  it('splits customer fields from default-address fields, codes upper-cased', () => {
    expect(mapOut(fields, { clear: false })).toEqual({
      customer: {
        email: 'ann@example.com',
        phone: '+15550100001',
        first_name: 'Ann',
        last_name: 'Lee',
      },
      address: {
        company: 'Acme',
        address1: '1 Main St',
        city: 'Ottawa',
        province_code: 'ON',
        zip: 'K1A 0B1',
        country_code: 'CA',
      },
    });
  });

  it('sends a region name as the province, a code as the province code', () => {
    expect(
      mapOut({ 'default_address.province_code': 'Kentucky' }, { clear: false }).address,
    ).toEqual({ province: 'Kentucky' });
    expect(mapOut({ 'default_address.province': '75' }, { clear: false }).address).toEqual({
      province_code: '75',
    });
  });

  it('sends only the given keys; clears on an update, never the email; skips empties on a create', () => {
    const emptied = {
      ...fields,
      phone: null,
      last_name: ' ',
      email: null,
      'default_address.city': null,
    };
    expect(
      mapOut(emptied, {
        keys: ['phone', 'last_name', 'email', 'default_address.city'],
        clear: true,
      }),
    ).toEqual({ customer: { phone: null, last_name: null }, address: { city: null } });
    expect(mapOut(emptied, { clear: false }).customer).toEqual({ first_name: 'Ann' });
  });

  it("writes tags as Shopify's comma-separated text and consent with its opt-in level", () => {
    expect(
      mapOut(
        { tags: ['vip', ' newsletter ', ''], 'email_marketing_consent.state': 'pending' },
        { clear: false },
      ).customer,
    ).toEqual({
      tags: 'vip, newsletter',
      email_marketing_consent: { state: 'pending', opt_in_level: 'confirmed_opt_in' },
    });
    expect(mapOut({ tags: [] }, { clear: true }).customer).toEqual({ tags: '' });
    // `cleaned` is Shopify's own verdict (`invalid`); an app never sets it.
    expect(
      mapOut({ 'email_marketing_consent.state': 'cleaned' }, { clear: true }).customer,
    ).toEqual({});
  });

  it('never sends fields Shopify sets itself, and nests other dot paths', () => {
    expect(
      mapOut(
        { id: 1, state: 'enabled', updated_at: 'x', 'metafield.tier': 'gold' },
        { clear: false },
      ),
    ).toEqual({ customer: { metafield: { tier: 'gold' } }, address: {} });
  });
});
