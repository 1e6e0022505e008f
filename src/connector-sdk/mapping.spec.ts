import { assignDefined, cleanText, setPath, toIsoTime, type VendorBody } from './mapping';

describe('mapping helpers', () => {
  it('trims text, turns blank into null and keeps absent as undefined', () => {
    expect(cleanText('  Ann ')).toBe('Ann');
    expect(cleanText('   ')).toBeNull();
    expect(cleanText(null)).toBeNull();
    expect(cleanText(undefined)).toBeUndefined();
  });

  it('assigns only values the vendor stated, including null', () => {
    const target: { a?: string | null; b?: string | null } = {};
    assignDefined(target, 'a', null);
    assignDefined(target, 'b', undefined);
    expect(target).toEqual({ a: null });
    expect('b' in target).toBe(false);
  });
});

describe('setPath', () => {
  it('sets a dot path, creating objects on the way and replacing what is not one', () => {
    const body: VendorBody = { name: 'x', address: 'flat text' };
    setPath(body, 'address.city', 'Paris');
    setPath(body, 'custom.a.b', 1);
    setPath(body, 'name', null);
    expect(body).toEqual({ name: null, address: { city: 'Paris' }, custom: { a: { b: 1 } } });
  });
});

describe('toIsoTime', () => {
  it('reads vendor timestamps as ISO 8601 UTC, undefined when unreadable', () => {
    expect(toIsoTime('2023-03-29T18:00:27.877041743Z')).toBe('2023-03-29T18:00:27.877Z');
    expect(toIsoTime('2024-01-01T12:00:00-05:00')).toBe('2024-01-01T17:00:00.000Z');
    expect(toIsoTime('yesterday')).toBeUndefined();
  });
});
