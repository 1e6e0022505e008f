import { creationTag } from './creation-tag';
import { mapCustomer } from './map-in';
import type { ShopifyCustomer } from './types';

const customer: ShopifyCustomer = {
  id: 207119551,
  email: 'bob.norman@mail.example.com',
  first_name: 'Bob',
  last_name: 'Norman',
  phone: '+16136120707',
  created_at: '2013-06-27T08:48:27-04:00',
  updated_at: '2024-11-05T10:15:00-05:00',
  state: 'enabled',
  tags: 'vip,  newsletter , ',
  verified_email: true,
  email_marketing_consent: {
    state: 'subscribed',
    opt_in_level: 'single_opt_in',
    consent_updated_at: null,
  },
  default_address: {
    address1: 'Chestnut Street 92',
    address2: '',
    city: 'Louisville',
    province: 'Kentucky',
    province_code: 'KY',
    country: 'United States',
    country_code: 'us',
    zip: '40202',
    company: 'Acme',
  },
  admin_graphql_api_id: 'gid://shopify/Customer/207119551',
};

describe('mapCustomer', () => {
  it('maps names, contact, address with country code, tags, consent and state', () => {
    expect(mapCustomer(customer)).toEqual({
      externalId: '207119551',
      updatedAt: '2024-11-05T15:15:00.000Z',
      traits: {
        email: 'bob.norman@mail.example.com',
        phone: '+16136120707',
        firstName: 'Bob',
        lastName: 'Norman',
        company: 'Acme',
        address: {
          line1: 'Chestnut Street 92',
          line2: null,
          city: 'Louisville',
          region: 'KY',
          postalCode: '40202',
          country: 'US',
        },
        tags: ['vip', 'newsletter'],
        emailConsent: 'subscribed',
        custom: { shopify: { state: 'enabled' } },
      },
    });
  });

  it('keeps null as "empty" and leaves out what Shopify did not send', () => {
    const mapped = mapCustomer({
      id: 5,
      email: null,
      phone: ' ',
      updated_at: '2024-01-01T00:00:00Z',
      tags: '',
      default_address: null,
      email_marketing_consent: { state: 'not_subscribed' },
    });
    expect(mapped.traits).toEqual({
      email: null,
      phone: null,
      address: null,
      tags: [],
    });
  });

  it("leaves Syncline's creation tag out of the tags, keeping the merchant's look-alikes", () => {
    const tags = (text: string) =>
      mapCustomer({ id: 5, updated_at: '2024-01-01T00:00:00Z', tags: text }).traits.tags;
    expect(tags('vip, syncline-0123456789abcdef')).toEqual(['vip']);
    expect(tags(creationTag('p-1'))).toEqual([]);
    expect(tags('syncline-partner, syncline-0123')).toEqual(['syncline-partner', 'syncline-0123']);
  });

  it('reads only stated consent: never subscribing, invalid or redacted state none', () => {
    const consent = (state: string) =>
      mapCustomer({ id: 5, updated_at: '2024-01-01T00:00:00Z', email_marketing_consent: { state } })
        .traits;
    expect(consent('subscribed')).toEqual({ emailConsent: 'subscribed' });
    expect(consent('pending')).toEqual({ emailConsent: 'pending' });
    expect(consent('unsubscribed')).toEqual({ emailConsent: 'unsubscribed' });
    // The default of a new customer: no opt-out, so it must not outvote another tool's opt-in.
    expect(consent('not_subscribed')).toEqual({});
    expect(consent('invalid')).toEqual({});
    expect(consent('redacted')).toEqual({});
    expect(consent('toString')).toEqual({});
  });

  it('takes the exact id from admin_graphql_api_id and fails without updated_at', () => {
    expect(
      mapCustomer({
        id: 9007199254740992,
        admin_graphql_api_id: 'gid://shopify/Customer/9007199254740993',
        updated_at: '2024-01-01T00:00:00Z',
      }).externalId,
    ).toBe('9007199254740993');
    expect(() => mapCustomer({ id: 1 })).toThrow(/updated_at/);
  });

  it('dates the consent by when the customer gave or withdrew it, not by the record', () => {
    const given = {
      ...customer,
      email_marketing_consent: {
        state: 'unsubscribed',
        opt_in_level: 'single_opt_in',
        consent_updated_at: '2024-02-01T09:30:00-05:00',
      },
    };
    expect(mapCustomer(given)).toMatchObject({
      updatedAt: '2024-11-05T15:15:00.000Z',
      traits: { emailConsent: 'unsubscribed' },
      traitTimes: { emailConsent: '2024-02-01T14:30:00.000Z' },
    });
  });

  it.each([
    ['no consent time', { state: 'subscribed', consent_updated_at: null }],
    [
      'a state that says nothing about consent',
      { state: 'not_subscribed', consent_updated_at: '2024-02-01T09:30:00-05:00' },
    ],
  ])('dates no trait for %s', (_, consent) => {
    expect(
      mapCustomer({ ...customer, email_marketing_consent: consent }).traitTimes,
    ).toBeUndefined();
  });
});
