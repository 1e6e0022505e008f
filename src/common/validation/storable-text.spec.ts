import { unstorableTextProblems } from './storable-text';

const NUL = String.fromCharCode(0);

describe('unstorableTextProblems', () => {
  it('finds nothing in values PostgreSQL stores', () => {
    expect(unstorableTextProblems({ a: ['x', 1, null, { b: 'é\u0001' }] }, 'config')).toEqual([]);
  });

  it('names every string and key holding a NUL by its path', () => {
    const problems = unstorableTextProblems(
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
    expect(unstorableTextProblems(`a${NUL}`, 'name')).toEqual([
      { field: 'name', message: expect.stringContaining('U+0000') },
    ]);
  });

  it('names unpaired surrogates, which jsonb refuses, but keeps paired ones (emoji)', () => {
    const problems = unstorableTextProblems(
      { ok: '😀', high: 'a\ud800b', low: '\udfff', ['k\ud800']: 1 },
      'mapping',
    );
    expect(problems).toEqual([
      { field: 'mapping.high', message: expect.stringContaining('surrogate') },
      { field: 'mapping.low', message: expect.stringContaining('surrogate') },
      { field: 'mapping', message: expect.stringContaining('key') },
    ]);
  });
});
