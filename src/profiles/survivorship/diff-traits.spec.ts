import { CanonicalTraits } from '../canonical/canonical-traits';
import { diffTraits } from './diff-traits';

const traits = (value: Record<string, unknown>) => value as CanonicalTraits;

describe('diffTraits', () => {
  it('lists every trait of a new profile with a null before', () => {
    expect(diffTraits({}, traits({ email: 'ada@acme.io', tags: ['vip'] }))).toEqual({
      email: { before: null, after: 'ada@acme.io' },
      tags: { before: null, after: ['vip'] },
    });
  });

  it('lists changed and removed traits only', () => {
    expect(
      diffTraits(
        traits({ email: 'ada@acme.io', firstName: 'Ada', company: 'Acme' }),
        traits({ email: 'ada@acme.io', firstName: 'Augusta' }),
      ),
    ).toEqual({
      company: { before: 'Acme', after: null },
      firstName: { before: 'Ada', after: 'Augusta' },
    });
  });

  it('compares objects as stored JSON, whatever their key order', () => {
    expect(
      diffTraits(
        traits({ address: { city: 'London', country: 'GB' } }),
        traits({ address: { country: 'GB', city: 'London' } }),
      ),
    ).toEqual({});
  });

  it('treats values that store alike as equal, and a string never as another type', () => {
    expect(
      diffTraits(traits({ custom: { x: { n: null } } }), traits({ custom: { x: { n: NaN } } })),
    ).toEqual({});
    expect(diffTraits(traits({ custom: { x: 1 } }), traits({ custom: { x: '1' } }))).toEqual({
      custom: { before: { x: 1 }, after: { x: '1' } },
    });
    expect(diffTraits(traits({ locale: 'null' }), traits({}))).toEqual({
      locale: { before: 'null', after: null },
    });
  });
});
