import { validateMapping } from './connection-mapping';

describe('validateMapping', () => {
  it('accepts renames, drops, constants and custom paths', () => {
    expect(
      validateMapping({
        mobilephone: 'phone',
        city: 'address.city',
        lifecycle: { const: 'customer' },
        fax: null,
        note: 'custom.shopify.note',
      }),
    ).toEqual([]);
  });

  it('names each bad vendor field', () => {
    const problems = validateMapping({ a: 'shoeSize', b: 42, c: { const: 1, extra: 2 } });
    expect(problems.map((p) => p.field)).toEqual(['mapping.a', 'mapping.b', 'mapping.c']);
    expect(problems[0].message).toContain('"shoeSize" is not a canonical field');
  });

  it('rejects a mapping that is not an object', () => {
    expect(validateMapping(['phone'])).toEqual([
      { field: 'mapping', message: 'must be an object keyed by vendor field' },
    ]);
  });
});
