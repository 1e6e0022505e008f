import fc from 'fast-check';
import { DomainError } from '../../../src/common/errors/domain-error';
import { IngestItem } from '../../../src/profiles/ingest/ingest-job';
import { ProfileSplitService } from '../../../src/profiles/merges/profile-split.service';
import { ProfileEraseService } from '../../../src/profiles/privacy/profile-erase.service';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

/**
 * The store's invariants hold after any sequence of ingests, splits and erases, not only after
 * the hand-picked ones of the other specs (property-based, real PostgreSQL). Records of a few
 * people, some of them "bridges" that also carry another person's phone (so people merge, and
 * splits have something to undo), with versions that gain and lose identifiers, arrive in
 * random batches between random splits and erases, some of them at the same time. After
 * every step:
 * - no source record or identifier sits on a merged profile or on none;
 * - every merged profile redirects to one that is not merged (no chains, no dangling ids);
 * - a profile is active exactly when one of its sources is not deleted;
 * - nothing of an erased person comes back: none of their identifiers is held again;
 * - the store is at rest: sending again every record sent so far changes nothing.
 * Splits and erases may refuse (nothing to split, unknown id) with a domain error, never fail
 * otherwise. PROFILES_SEQUENCE_RUNS and PROFILES_SEQUENCE_SEED replay more or other sequences.
 */
const PEOPLE = 5;
const CONNECTIONS = [
  '5e9a1c00-0000-4000-8000-000000000001',
  '5e9a1c00-0000-4000-8000-000000000002',
  '5e9a1c00-0000-4000-8000-000000000003',
];
const RUNS = Number(process.env.PROFILES_SEQUENCE_RUNS ?? 25);
/** Fixed, so CI is reproducible (and never vacuous); set another to explore further. */
const SEED = Number(process.env.PROFILES_SEQUENCE_SEED || 20261123);

type Step =
  | { kind: 'ingest'; records: RecordShape[] }
  | { kind: 'split'; pick: number; block: boolean }
  | { kind: 'erase'; pick: number }
  /** An ingest and a split or erase at the same time. */
  | { kind: 'race'; records: RecordShape[]; against: 'split' | 'erase'; pick: number };

interface RecordShape {
  person: number;
  connection: number;
  /** Another person whose phone this record also carries: it links the two. */
  bridgeTo: number | null;
  day: number;
  firstName: string;
  deleted: boolean;
  /** Versions of one record may gain or lose identifiers: a second email, the phone. */
  secondEmail: boolean;
  withPhone: boolean;
}

const emailOf = (person: number) => `p${person}@sequence.io`;
const phoneOf = (person: number) => `+442079460${String(person).padStart(3, '0')}`;

const recordArb: fc.Arbitrary<RecordShape> = fc.record({
  person: fc.integer({ min: 0, max: PEOPLE - 1 }),
  connection: fc.integer({ min: 0, max: CONNECTIONS.length - 1 }),
  bridgeTo: fc.option(fc.integer({ min: 0, max: PEOPLE - 1 }), { nil: null, freq: 3 }),
  day: fc.integer({ min: 1, max: 28 }),
  firstName: fc.constantFrom('Ada', 'Grace', 'Alan', ''),
  deleted: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  secondEmail: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  withPhone: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
});

const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 6 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('ingest' as const), records: recordsArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('split' as const),
      pick: fc.nat(),
      block: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('race' as const),
      records: recordsArb,
      against: fc.constantFrom<'split' | 'erase'>('split', 'erase'),
      pick: fc.nat(),
    }),
  },
);

function toItem(shape: RecordShape): IngestItem {
  const bridge = shape.bridgeTo !== null && shape.bridgeTo !== shape.person;
  const phoneOwner = bridge ? (shape.bridgeTo as number) : shape.person;
  return {
    connectionId: CONNECTIONS[shape.connection],
    record: {
      externalId: bridge ? `b-${shape.person}-${shape.bridgeTo}` : `r-${shape.person}`,
      updatedAt: `2026-01-${String(shape.day).padStart(2, '0')}T00:00:00.000Z`,
      deleted: shape.deleted,
      traits: {
        email: emailOf(shape.person),
        ...(shape.withPhone || bridge ? { phone: phoneOf(phoneOwner) } : {}),
        firstName: shape.firstName,
      },
      ...(shape.secondEmail
        ? { identifiers: [{ type: 'email' as const, value: `p${shape.person}.alt@sequence.io` }] }
        : {}),
    },
  };
}

describe('store invariants over random sequences of ingests, splits and erases', () => {
  let app: ProfilesTestApp;

  beforeAll(async () => {
    app = await createProfilesTestApp();
    for (const id of CONNECTIONS) {
      await app.env.sql(
        `INSERT INTO connection (id, connector, name, direction) VALUES ($1::uuid, 'test', $1::text, 'pull')`,
        [id],
      );
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it(
    'hold after every step',
    async () => {
      const done = { merges: 0, splits: 0, erases: 0, races: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 14 }), async (steps) => {
          await app.env.sql(
            `TRUNCATE profile, profile_identifier, source_record, profile_merge, identity_conflict,
                    profile_change, profile_suppression, identity_block`,
          );
          const erasedValues = new Set<string>();
          const sent: IngestItem[] = [];
          const ingest = (records: RecordShape[]) => {
            const items = records.map(toItem);
            sent.push(...items);
            return app.store.ingest(items, { kind: 'sync' });
          };
          const split = async (pick: number, block: boolean) => {
            const merged = await app.env.sql<{ id: string }>(
              `SELECT unnest(merged_ids)::text AS id FROM profile_merge ORDER BY 1`,
            );
            if (merged.length === 0) return;
            const id = merged[pick % merged.length].id;
            const result = await refusalsAllowed(() =>
              app.module.get(ProfileSplitService).split(id, { blockIdentifier: block }),
            );
            if (result) done.splits += 1;
          };
          const erase = async (pick: number) => {
            const profiles = await app.env.sql<{ id: string }>(
              `SELECT id::text FROM profile ORDER BY id`,
            );
            if (profiles.length === 0) return;
            const id = profiles[pick % profiles.length].id;
            const identifiers = await app.env.sql<{ value: string }>(
              `SELECT value FROM profile_identifier
              WHERE profile_id = (SELECT coalesce(merged_into, id) FROM profile WHERE id = $1)`,
              [id],
            );
            if (!(await refusalsAllowed(() => app.module.get(ProfileEraseService).erase(id))))
              return;
            done.erases += 1;
            for (const row of identifiers) erasedValues.add(row.value);
          };

          for (const step of steps) {
            if (step.kind === 'ingest') await ingest(step.records);
            else if (step.kind === 'split') await split(step.pick, step.block);
            else if (step.kind === 'erase') await erase(step.pick);
            else {
              await Promise.all([
                ingest(step.records),
                step.against === 'split' ? split(step.pick, true) : erase(step.pick),
              ]);
              done.races += 1;
            }
            await expectInvariants(app, { erasedValues, sent, context: JSON.stringify(steps) });
          }
          const [{ merges }] = await app.env.sql<{ merges: number }>(
            `SELECT count(*)::int AS merges FROM profile_merge`,
          );
          done.merges += merges;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // Not vacuous: the sequences really merged, split, erased and raced.
      expect(Object.entries(done).filter(([, count]) => count === 0)).toEqual([]);
    },
    60_000 + RUNS * 3_000,
  );
});

/** Runs a split or erase; a domain error (nothing to split, unknown id) is an allowed answer. */
async function refusalsAllowed<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof DomainError && error.httpStatus < 500) return undefined;
    throw error;
  }
}

async function expectInvariants(
  app: ProfilesTestApp,
  run: { erasedValues: ReadonlySet<string>; sent: readonly IngestItem[]; context: string },
): Promise<void> {
  const { context } = run;
  const misplaced = await app.env.sql(`
    SELECT 'source' AS what, s.external_id AS key FROM source_record s LEFT JOIN profile p ON p.id = s.profile_id
     WHERE p.id IS NULL OR p.status = 'merged'
    UNION ALL
    SELECT 'identifier', i.value FROM profile_identifier i LEFT JOIN profile p ON p.id = i.profile_id
     WHERE p.id IS NULL OR p.status = 'merged'`);
  expect({ misplaced, context }).toEqual({ misplaced: [], context });

  const badRedirects = await app.env.sql(`
    SELECT p.id FROM profile p LEFT JOIN profile t ON t.id = p.merged_into
     WHERE (p.status = 'merged') <> (p.merged_into IS NOT NULL)
        OR (p.merged_into IS NOT NULL AND (t.id IS NULL OR t.status = 'merged'))`);
  expect({ badRedirects, context }).toEqual({ badRedirects: [], context });

  const wrongStatus = await app.env.sql(`
    SELECT p.id, p.status FROM profile p
     WHERE p.status <> 'merged'
       AND (p.status = 'active') <> EXISTS (
             SELECT 1 FROM source_record s WHERE s.profile_id = p.id AND NOT s.deleted)`);
  expect({ wrongStatus, context }).toEqual({ wrongStatus: [], context });

  const resurrected = (
    await app.env.sql<{ value: string }>(`SELECT value FROM profile_identifier`)
  ).filter((row) => run.erasedValues.has(row.value));
  expect({ resurrected, context }).toEqual({ resurrected: [], context });

  const [{ before }] = await app.env.sql<{ before: number }>(
    `SELECT count(*)::int AS before FROM profile_change`,
  );
  const again = await app.store.ingest([...run.sent], { kind: 'sync' });
  const [{ after }] = await app.env.sql<{ after: number }>(
    `SELECT count(*)::int AS after FROM profile_change`,
  );
  expect({ applied: again.applied, changes: after - before, context }).toEqual({
    applied: 0,
    changes: 0,
    context,
  });
}
