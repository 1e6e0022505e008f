import { nulCharacterProblems } from './storable-input';

const NUL = String.fromCharCode(0);

describe('nulCharacterProblems', () => {
  it('finds nothing in values PostgreSQL stores', () => {
    expect(nulCharacterProblems({ a: ['x', 1, null, { b: 'é\u0001' }] }, 'config')).toEqual([]);
  });

  it('names every string and key holding a NUL by its path', () => {
    const problems = nulCharacterProblems(
      { list: ['ok', `b${NUL}d`], nested: { [`k${NUL}`]: 'v', deep: `${NUL}` } },
      'config',
    );
    expect(problems.map((p) => p.field)).toEqual([
      'config.list[1]',
      'config.nested',
      'config.nested.deep',
    ]);
    expect(problems[0].message).toContain('U+0000');
    expect(problems[1].message).toContain('key');
  });

  it('checks a plain string under its own name', () => {
    expect(nulCharacterProblems(`a${NUL}`, 'name')).toEqual([
      { field: 'name', message: expect.stringContaining('U+0000') },
    ]);
  });
});
