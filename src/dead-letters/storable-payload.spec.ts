import { storablePayload, storableText } from './storable-payload';

const NUL = String.fromCharCode(0);

describe('storablePayload', () => {
  it('replaces NUL in strings and keys at any depth, leaving everything else as it was', () => {
    const payload = {
      [`k${NUL}`]: [`a${NUL}b`, 1, null, true, { nested: `${NUL}` }],
      at: new Date('2026-01-01T00:00:00.000Z'),
      literal: '\\u0000',
    };
    expect(storablePayload(payload)).toEqual({
      'k\uFFFD': ['a\uFFFDb', 1, null, true, { nested: '\uFFFD' }],
      at: '2026-01-01T00:00:00.000Z',
      literal: '\\u0000',
    });
  });

  it('returns text without NUL unchanged', () => {
    expect(storableText('plain')).toBe('plain');
    expect(storableText(`x${NUL}${NUL}`)).toBe('x\uFFFD\uFFFD');
  });
});
