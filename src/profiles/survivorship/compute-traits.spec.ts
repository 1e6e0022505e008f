import { TraitSource, computeTraits } from './compute-traits';

const source = (overrides: Partial<TraitSource>): TraitSource => ({
  connectionId: 'c1',
  externalId: 'x',
  updatedAt: '2024-01-01T00:00:00.000Z',
  deleted: false,
  traits: {},
  ...overrides,
});

describe('computeTraits (survivorship)', () => {
  it('takes the newest non-empty value per trait and records where it came from', () => {
    const result = computeTraits(
      [
        source({ externalId: 'old', traits: { firstName: 'Old', company: 'Kept' } }),
        source({
          externalId: 'new',
          updatedAt: '2024-02-01T00:00:00.000Z',
          traits: { firstName: 'New', company: '' },
        }),
      ],
      new Map(),
    );
    expect(result.traits).toEqual({ firstName: 'New', company: 'Kept' });
    expect(result.provenance.company.externalId).toBe('old');
  });

  it('lets a connection priority override recency, higher first, null last', () => {
    const result = computeTraits(
      [
        source({ connectionId: 'crm', traits: { jobTitle: 'CTO' } }),
        source({
          connectionId: 'shop',
          updatedAt: '2025-01-01T00:00:00.000Z',
          traits: { jobTitle: 'Dev' },
        }),
      ],
      new Map([['crm', 1]]),
    );
    expect(result.traits.jobTitle).toBe('CTO');
  });

  it('ignores deleted sources and is independent of input order', () => {
    const sources = [
      source({ externalId: 'a', traits: { tags: ['x'], custom: { hubspot: { stage: 'lead' } } } }),
      source({ externalId: 'b', traits: { tags: ['y'] }, updatedAt: '2024-01-01T00:00:00.000Z' }),
      source({
        externalId: 'c',
        deleted: true,
        updatedAt: '2030-01-01T00:00:00.000Z',
        traits: { tags: ['z'] },
      }),
    ];
    const forward = computeTraits(sources, new Map());
    expect(computeTraits([...sources].reverse(), new Map())).toEqual(forward);
    expect(forward.traits).toEqual({ tags: ['x'], custom: { hubspot: { stage: 'lead' } } });
    expect(Object.keys(forward.provenance)).toEqual(['custom.hubspot', 'tags']);
  });
});
