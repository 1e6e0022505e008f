import { isUuid } from './is-uuid';

describe('isUuid', () => {
  it('accepts UUIDs of any version in either case, and nothing else', () => {
    expect(isUuid('0190f3a2-7c1e-7abc-8def-0123456789ab')).toBe(true); // v7, as profile ids
    expect(isUuid('11111111-1111-4111-8111-111111111111')).toBe(true);
    expect(isUuid('B0000000-0000-4000-8000-000000000001')).toBe(true);
    for (const value of ['', 'not-a-uuid', '11111111-1111-4111-8111-11111111111', 42, null]) {
      expect(isUuid(value)).toBe(false);
    }
  });
});
