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

describe('validateMapping and prototype paths', () => {
  it.each([
    ['__proto__.polluted', 'email'],
    ['constructor.prototype', 'email'],
    ['address.__proto__', 'email'],
    ['nickname', 'custom.__proto__.x'],
    ['nickname', 'custom.constructor'],
    ['nickname', 'address.prototype'],
  ])('refuses vendor field %j mapped to %j, naming it', (vendorField, rule) => {
    const mapping = JSON.parse(JSON.stringify({ [vendorField]: rule })) as unknown;
    expect(validateMapping(mapping)).toEqual([
      { field: `mapping.${vendorField}`, message: expect.stringContaining('__proto__') },
    ]);
  });

  it('still accepts fields that merely contain those words', () => {
    expect(validateMapping({ proto: 'email', constructorName: 'custom.prototypeId' })).toEqual([]);
  });
});
