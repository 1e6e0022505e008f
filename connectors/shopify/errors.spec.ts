import { complainsOnlyAbout, describeShopifyError, isTaken } from './errors';

describe('Shopify error descriptions', () => {
  it("reads a 422's field errors, base errors without a field name", () => {
    const taken = { errors: { email: ['has already been taken'], phone: ['is invalid'] } };
    expect(describeShopifyError(422, taken)).toBe(
      'HTTP 422: email has already been taken; phone is invalid',
    );
    expect(
      describeShopifyError(422, {
        errors: { base: ['Customer must have a name, phone number or email address'] },
      }),
    ).toBe('HTTP 422: Customer must have a name, phone number or email address');
    expect(describeShopifyError(404, { errors: 'Not Found' })).toBe('HTTP 404: Not Found');
    expect(describeShopifyError(400, 'oops')).toBe('HTTP 400: oops');
    expect(describeShopifyError(500, undefined)).toBe('HTTP 500');
    expect(describeShopifyError(422, { errors: { base: ['x'.repeat(400)] } })).toHaveLength(301);
  });

  it('tells which field is taken', () => {
    const taken = { errors: { email: ['has already been taken'], phone: ['is invalid'] } };
    expect(isTaken(taken, 'email')).toBe(true);
    expect(isTaken(taken, 'phone')).toBe(false);
    expect(isTaken({ errors: { email: 'has already been taken' } }, 'email')).toBe(true);
    expect(isTaken({ errors: 'Not Found' }, 'email')).toBe(false);
    expect(isTaken(undefined, 'email')).toBe(false);
  });

  it('tells a 422 that refuses nothing but one field', () => {
    expect(complainsOnlyAbout({ errors: { phone: ['has already been taken'] } }, 'phone')).toBe(
      true,
    );
    expect(complainsOnlyAbout({ errors: { phone: 'is invalid', email: [] } }, 'phone')).toBe(true);
    const both = { errors: { email: ['is invalid'], phone: ['has already been taken'] } };
    expect(complainsOnlyAbout(both, 'phone')).toBe(false);
    expect(complainsOnlyAbout({ errors: { base: ['Customer must have a name'] } }, 'phone')).toBe(
      false,
    );
    expect(complainsOnlyAbout({ errors: {} }, 'phone')).toBe(false);
    expect(complainsOnlyAbout({ errors: 'Not Found' }, 'phone')).toBe(false);
  });
});
