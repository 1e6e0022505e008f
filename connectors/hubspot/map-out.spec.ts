import { mapOut, propertyValue } from './map-out';

describe('mapOut', () => {
  const fields = {
    email: 'ann@example.com',
    firstname: 'Ann',
    phone: '+15550100001',
    country: 'FR',
    numemployees: 12,
    hs_object_id: '7',
    lastmodifieddate: '2024-01-01T00:00:00Z',
  };

  it('sends every field as a string, never a read-only property', () => {
    expect(mapOut(fields, { clear: false })).toEqual({
      email: 'ann@example.com',
      firstname: 'Ann',
      phone: '+15550100001',
      country: 'FR',
      numemployees: '12',
    });
  });

  it('sends only the given keys, clearing empty ones on an update and skipping them on an upsert', () => {
    const emptied = { ...fields, phone: null, firstname: '  ' };
    expect(mapOut(emptied, { keys: ['phone', 'firstname', 'country'], clear: true })).toEqual({
      phone: '',
      firstname: '',
      country: 'FR',
    });
    expect(mapOut(emptied, { keys: ['phone', 'firstname'], clear: false })).toEqual({});
    expect(mapOut(fields, { keys: ['missing'], clear: true })).toEqual({});
  });

  it("writes lists in HubSpot's multi-select format and objects as JSON", () => {
    expect(propertyValue(['vip', '', 'newsletter'])).toBe('vip;newsletter');
    expect(propertyValue([])).toBeUndefined();
    expect(propertyValue(true)).toBe('true');
    expect(propertyValue({ a: 1 })).toBe('{"a":1}');
    expect(propertyValue({})).toBeUndefined();
  });
});
