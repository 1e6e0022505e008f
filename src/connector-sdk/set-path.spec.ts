import { setPath, type VendorBody } from './mapping';

describe('setPath with a mapped field named like a prototype key', () => {
  afterEach(() => {
    // Undo a pollution should the guard ever fail, so no other test sees it.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('never reaches Object.prototype through __proto__', () => {
    const body: VendorBody = {};
    setPath(body, '__proto__.polluted', true);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(body)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('keeps constructor.prototype inside the body', () => {
    const body: VendorBody = {};
    setPath(body, 'constructor.prototype.polluted', 'yes');

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(body).toEqual({ constructor: { prototype: { polluted: 'yes' } } });
  });

  it('still nests ordinary paths and replaces what is in the way', () => {
    const body: VendorBody = { address: 'flat text', keep: 1 };
    setPath(body, 'address.city', 'Paris');
    setPath(body, 'address.zip', '75001');
    setPath(body, 'note', null);

    expect(body).toEqual({ address: { city: 'Paris', zip: '75001' }, keep: 1, note: null });
  });
});
