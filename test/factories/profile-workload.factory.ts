import fc from 'fast-check';
import type { IngestItem } from '../../src/profiles/ingest/ingest-job';

/** Four connections shared by every generated workload; the third has a survivorship priority. */
export const WORKLOAD_CONNECTIONS = [
  { id: '0f3c8a52-0000-4000-8000-000000000001', priority: null },
  { id: '0f3c8a52-0000-4000-8000-000000000002', priority: null },
  { id: '0f3c8a52-0000-4000-8000-000000000003', priority: 5 },
  { id: '0f3c8a52-0000-4000-8000-000000000004', priority: null },
] as const;

interface VersionShape {
  day: number;
  firstName: string | null;
  company: string | null;
  deleted: boolean;
  duplicate: boolean;
  /**
   * Stamped to the second like Shopify's `updated_at`: every such version of a record on one
   * day carries the same updatedAt, so only the observation time (or the hash) orders them.
   */
  secondPrecision: boolean;
  /** Milliseconds into the version's second when it was seen; null: no observation time. */
  observedMs: number | null;
}

interface RecordShape {
  connection: number;
  /** Bit mask over the person's identifiers: which ones this record carries. */
  mask: number;
  noise: 'none' | 'blocked' | 'invalid';
  versions: VersionShape[];
}

const versionArb: fc.Arbitrary<VersionShape> = fc.record({
  day: fc.integer({ min: 1, max: 28 }),
  firstName: fc.option(fc.constantFrom('Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', ''), {
    nil: null,
  }),
  company: fc.option(fc.constantFrom('Acme', 'Globex', 'Initech', 'Umbrella'), { nil: null }),
  deleted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  duplicate: fc.boolean(),
  secondPrecision: fc.boolean(),
  observedMs: fc.option(fc.integer({ min: 0, max: 999 }), { nil: null }),
});

const personArb = fc.record({
  emails: fc.integer({ min: 1, max: 3 }),
  phones: fc.integer({ min: 0, max: 2 }),
  records: fc.uniqueArray(
    fc.record({
      connection: fc.integer({ min: 0, max: 3 }),
      mask: fc.integer({ min: 1, max: 31 }),
      noise: fc.constantFrom<RecordShape['noise']>('none', 'none', 'none', 'blocked', 'invalid'),
      versions: fc.array(versionArb, { minLength: 1, maxLength: 3 }),
    }),
    // At most one record per connection per person: stays inside the default limits, so the
    // expected grouping is exactly the connected components of "shares an identifier".
    { minLength: 1, maxLength: 4, selector: (r) => r.connection },
  ),
});

/**
 * Generates people whose records overlap on identifiers in random ways (chains that only
 * link through a later record, shared blocked emails, invalid values, several versions of a
 * record, exact duplicates, deletions). Identifiers are disjoint between people.
 */
export function workloadArbitrary(people: number): fc.Arbitrary<IngestItem[]> {
  return fc.array(personArb, { minLength: people, maxLength: people }).map((persons) =>
    persons.flatMap((person, p) => {
      const identifiers = [
        ...Array.from({ length: person.emails }, (_, i) => ({
          type: 'email' as const,
          value: `p${p}.e${i}@people.io`,
        })),
        ...Array.from({ length: person.phones }, (_, i) => ({
          type: 'phone' as const,
          value: `+4420794${String((p * 2 + i) % 100000).padStart(5, '0')}`.slice(0, 13),
        })),
      ];
      return person.records.flatMap((record) => {
        const carried = identifiers.filter((_, i) => record.mask & (1 << (i % 5)));
        const own = carried.length > 0 ? carried : [identifiers[0]];
        const email = own.find((i) => i.type === 'email')?.value;
        const extra =
          record.noise === 'blocked'
            ? ['test@example.com']
            : record.noise === 'invalid'
              ? ['n/a']
              : [];
        return record.versions.flatMap((version, v) => {
          const second = version.secondPrecision ? 0 : v;
          const item: IngestItem = {
            connectionId: WORKLOAD_CONNECTIONS[record.connection].id,
            ...(version.observedMs === null
              ? {}
              : {
                  observedAt: new Date(
                    Date.UTC(2024, 0, version.day, 0, 0, second, version.observedMs),
                  ).toISOString(),
                }),
            record: {
              externalId: `person-${p}-c${record.connection}`,
              updatedAt: new Date(Date.UTC(2024, 0, version.day, 0, 0, second)).toISOString(),
              deleted: version.deleted,
              traits: {
                email: email ?? extra[0] ?? null,
                firstName: version.firstName,
                company: version.company,
              },
              identifiers: [...own, ...extra.map((value) => ({ type: 'email' as const, value }))],
            },
            raw: { p, v },
          };
          return version.duplicate ? [item, item] : [item];
        });
      });
    }),
  );
}

/** Deterministic Fisher-Yates with a seed (fast-check supplies the seed). */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
