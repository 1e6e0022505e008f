import { ErasedTraces, erasedValues, scrubChange } from './change-log-scrubber';

const CRM = '5d549fd0-bfed-4593-aed6-870d3a8b0403';
const SHOP = '83d3f25b-dd59-42b7-b3e3-fe4d59ab08a5';

function traces(overrides: Partial<ErasedTraces> = {}): ErasedTraces {
  return {
    values: erasedValues(
      ['bea@acme.io'],
      [{ firstName: 'Bea', vip: true, address: { city: 'Ulm' } }],
    ),
    sourceKeys: new Set([`${SHOP}:b-1`]),
    mergeIds: new Set(['merge-1']),
    ...overrides,
  };
}

describe('erasedValues', () => {
  it('keeps identifier and trait values but not booleans, which identify no one', () => {
    const values = erasedValues(['bea@acme.io'], [{ firstName: 'Bea', vip: true, score: 7 }]);
    expect([...values].sort()).toEqual(['"Bea"', '"bea@acme.io"', '7']);
  });
});

describe('scrubChange', () => {
  it('keeps only ids on a merge or split row of one of the erased merges', () => {
    const row = {
      changes: {
        mergeId: 'merge-1',
        mergedIds: ['b'],
        linkedBy: { type: 'email' as const, value: 'ann@acme.io' },
        traits: { company: { before: null, after: 'Acme' } },
      },
      cause: { kind: 'split' as const },
    };
    expect(scrubChange(row, traces())).toEqual({
      changes: { mergeId: 'merge-1', mergedIds: ['b'] },
      cause: { kind: 'split' },
    });
  });

  it("drops trait changes, identifiers and links carrying the person's values elsewhere", () => {
    const row = {
      changes: {
        mergeId: 'merge-2',
        linkedBy: { type: 'email' as const, value: 'bea@acme.io' },
        identifiersAdded: [
          { type: 'email' as const, value: 'bea@acme.io' },
          { type: 'email' as const, value: 'ann@acme.io' },
        ],
        traits: {
          firstName: { before: 'Bea', after: 'Ann' },
          address: { before: null, after: { city: 'Ulm' } },
          company: { before: null, after: 'Acme' },
          vip: { before: null, after: true },
        },
      },
      cause: null,
    };
    expect(scrubChange(row, traces())).toEqual({
      changes: {
        mergeId: 'merge-2',
        identifiersAdded: [{ type: 'email', value: 'ann@acme.io' }],
        traits: { company: { before: null, after: 'Acme' }, vip: { before: null, after: true } },
      },
      cause: null,
    });
  });

  it("removes the person's record ids from a cause, in either of its two forms", () => {
    const oneConnection = {
      kind: 'sync' as const,
      connectionId: SHOP,
      externalIds: ['b-1', 'a-1'],
    };
    const several = { kind: 'sync' as const, externalIds: [`${SHOP}:b-1`, `${CRM}:b-1`] };
    expect(scrubChange({ changes: {}, cause: oneConnection }, traces())?.cause).toEqual({
      ...oneConnection,
      externalIds: ['a-1'],
    });
    expect(scrubChange({ changes: {}, cause: several }, traces())?.cause).toEqual({
      ...several,
      externalIds: [`${CRM}:b-1`],
    });
  });

  it('returns null for a row that holds nothing of the person', () => {
    const row = {
      changes: { traits: { firstName: { before: null, after: 'Ann' } } },
      cause: { kind: 'sync' as const, connectionId: CRM, externalIds: ['b-1'] },
    };
    expect(scrubChange(row, traces())).toBeNull();
  });
});
