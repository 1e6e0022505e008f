import { composeName, mapOut } from './map-out';

describe('mapOut', () => {
  const fields = {
    email: 'ann@example.com',
    phone: '+15550100001',
    first_name: 'Ann',
    last_name: 'Lee',
    locale: 'en-GB',
    'user_fields.company': 'Acme',
    'user_fields.plan': 'gold',
  };

  it('composes name from the pseudo-fields and nests dot paths', () => {
    expect(mapOut(fields, { clear: false })).toEqual({
      email: 'ann@example.com',
      phone: '+15550100001',
      name: 'Ann Lee',
      locale: 'en-GB',
      user_fields: { company: 'Acme', plan: 'gold' },
    });
  });

  it('sends only the given keys, composing the name from all fields when a part changed', () => {
    expect(mapOut(fields, { keys: ['last_name'], clear: true })).toEqual({ name: 'Ann Lee' });
    expect(mapOut(fields, { keys: ['user_fields.company'], clear: true })).toEqual({
      user_fields: { company: 'Acme' },
    });
  });

  it('clears on an update (phone with "", others with null) but never the primary email', () => {
    const emptied = {
      ...fields,
      phone: null,
      locale: '',
      email: null,
      'user_fields.company': null,
    };
    expect(
      mapOut(emptied, { keys: ['phone', 'locale', 'email', 'user_fields.company'], clear: true }),
    ).toEqual({ phone: '', locale: null, user_fields: { company: null } });
  });

  it('leaves empty values out of an upsert, and never sends reserved or blank names', () => {
    expect(
      mapOut(
        { email: 'a@b.co', phone: null, first_name: ' ', last_name: null, external_id: 'x', id: 1 },
        { clear: false },
      ),
    ).toEqual({ email: 'a@b.co' });
  });

  it('lets a mapped name win over the pseudo-fields', () => {
    expect(composeName({ name: 'Dr. Ann Lee', first_name: 'Ann', last_name: 'Lee' })).toBe(
      'Dr. Ann Lee',
    );
    expect(composeName({ first_name: 'Ann' })).toBe('Ann');
    expect(composeName({ last_name: 'Lee' })).toBe('Lee');
    expect(composeName({})).toBeUndefined();
  });
});
