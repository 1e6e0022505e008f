import { normalizeTraits } from './normalize-traits';

describe('normalizeTraits', () => {
  it('trims strings, drops blank ones, and normalizes email, phone and country', () => {
    expect(
      normalizeTraits(
        {
          email: '  Ada@Example.COM ',
          phone: '(415) 555-0101',
          firstName: ' Ada ',
          lastName: '   ',
          address: { city: ' London ', country: 'gb' },
        },
        'US',
      ),
    ).toEqual({
      email: 'ada@example.com',
      phone: '+14155550101',
      firstName: 'Ada',
      lastName: null,
      address: { city: 'London', country: 'GB' },
    });
  });

  it('keeps an invalid email or phone as typed, trimmed', () => {
    expect(normalizeTraits({ email: ' not an email ', phone: ' 12 ' }, 'US')).toEqual({
      email: 'not an email',
      phone: '12',
    });
  });

  it('stores tags as a set: the same tags in any order, repeated or padded, are equal', () => {
    const fromShopify = normalizeTraits({ tags: ['vip', ' newsletter', 'vip', '  '] }, 'US');
    const fromMailchimp = normalizeTraits({ tags: ['newsletter', 'vip'] }, 'US');
    expect(fromShopify.tags).toEqual(['newsletter', 'vip']);
    expect(fromMailchimp).toEqual(fromShopify);
    // Case is the vendor's: "VIP" and "vip" are different tags in Shopify and Mailchimp.
    expect(normalizeTraits({ tags: ['vip', 'VIP'] }, 'US').tags).toEqual(['VIP', 'vip']);
  });
});
