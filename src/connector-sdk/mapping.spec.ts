import { assignDefined, cleanText } from './mapping';

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
