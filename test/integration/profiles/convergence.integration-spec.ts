import fc from 'fast-check';
import { INGEST_BATCH_SIZE, IngestItem } from '../../../src/profiles/ingest/ingest-job';
import {
  WORKLOAD_CONNECTIONS,
  shuffle,
  workloadArbitrary,
} from '../../factories/profile-workload.factory';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

/**
 * Invariant 3 (convergent): the same records ingested one batch at a time, and by 4 concurrent
 * workers in another random order with small interleaved batches, give exactly the same
 * profiles (traits, provenance, status, identifiers, sources with the version and observation
 * time held) and never two profiles for one identifier. CI size: ~10,000 records, one run;
 * PROFILES_CONVERGENCE_PEOPLE and PROFILES_CONVERGENCE_RUNS make it bigger.
 */
const PEOPLE = Number(process.env.PROFILES_CONVERGENCE_PEOPLE ?? 2000);
const RUNS = Number(process.env.PROFILES_CONVERGENCE_RUNS ?? 1);
const WORKERS = 4;
const CONCURRENT_BATCH = 100;

describe('convergence under concurrent ingest (property-based, real PostgreSQL)', () => {
  let serial: ProfilesTestApp;
  let concurrent: ProfilesTestApp;

  beforeAll(async () => {
    [serial, concurrent] = await Promise.all([createProfilesTestApp(), createProfilesTestApp()]);
    for (const app of [serial, concurrent]) {
      for (const connection of WORKLOAD_CONNECTIONS) {
        await app.env.sql(
          `INSERT INTO connection (id, connector, name, direction, priority) VALUES ($1::uuid, 'test', $1::text, 'pull', $2)`,
          [connection.id, connection.priority],
        );
      }
    }
  });
  afterAll(async () => {
    await Promise.all([serial?.close(), concurrent?.close()]);
  });

  it(`${WORKERS} concurrent workers in random order converge to the serial result`, async () => {
    await fc.assert(
      fc.asyncProperty(
        workloadArbitrary(PEOPLE),
        fc.integer(),
        fc.integer(),
        async (items, seedA, seedB) => {
          await Promise.all([reset(serial), reset(concurrent)]);
          expect(items.length).toBeGreaterThanOrEqual(PEOPLE * 4);

          for (const batch of chunks(shuffle(items, seedA), INGEST_BATCH_SIZE)) {
            await serial.store.ingest(batch, { kind: 'sync' });
          }
          const queue = chunks(shuffle(items, seedB), CONCURRENT_BATCH);
          await Promise.all(
            Array.from({ length: WORKERS }, async () => {
              for (let batch = queue.shift(); batch; batch = queue.shift()) {
                await concurrent.store.ingest(batch, { kind: 'webhook' });
              }
            }),
          );

          const [expected, actual] = await Promise.all([snapshot(serial), snapshot(concurrent)]);
          expect(actual.length).toBe(expected.length);
          expect(actual).toEqual(expected);
          expect(await duplicatedIdentifiers(concurrent)).toEqual([]);
          expect(await redirectChains(serial)).toEqual([]);
          expect(await redirectChains(concurrent)).toEqual([]);
          // Not vacuous: the workload really merged profiles and really raced.
          const [stats] = await concurrent.env.sql<{ merges: number; profiles: number }>(
            `SELECT (SELECT count(*)::int FROM profile_merge) AS merges,
                    (SELECT count(*)::int FROM profile WHERE status <> 'merged') AS profiles`,
          );
          expect(stats.merges).toBeGreaterThan(0);
          if (process.env.PROFILES_CONVERGENCE_VERBOSE) {
            console.log({ records: items.length, ...stats, profilesSerial: expected.length });
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 240_000);
});

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function reset(app: ProfilesTestApp): Promise<void> {
  await app.env.sql(
    `TRUNCATE profile, profile_identifier, source_record, profile_merge, identity_conflict, profile_change`,
  );
}

/** Every live profile as id-free data, sorted, so two stores can be compared. */
async function snapshot(app: ProfilesTestApp): Promise<string[]> {
  const rows = await app.env.sql<{ doc: unknown }>(`
    SELECT jsonb_build_object(
      'status', p.status,
      'traits', p.traits,
      'provenance', p.provenance,
      'identifiers', (SELECT coalesce(jsonb_agg(i.type || ':' || i.value ORDER BY i.type, i.value), '[]')
                        FROM profile_identifier i WHERE i.profile_id = p.id),
      'sources', (SELECT coalesce(jsonb_agg(s.connection_id || ':' || s.external_id || ':' || encode(s.content_hash, 'hex')
                        || ':' || coalesce(s.observed_at::text, '-')
                        ORDER BY s.connection_id, s.external_id), '[]')
                    FROM source_record s WHERE s.profile_id = p.id)
    ) AS doc
    FROM profile p WHERE p.status <> 'merged'`);
  return rows.map((row) => JSON.stringify(row.doc)).sort();
}

async function duplicatedIdentifiers(app: ProfilesTestApp): Promise<unknown[]> {
  // The primary key already forbids it; this also checks no source or identifier sits on a
  // merged stub, or on no profile at all (they have no foreign key: the store keeps them right).
  return app.env.sql(`
    SELECT s.connection_id, s.external_id FROM source_record s LEFT JOIN profile p ON p.id = s.profile_id
     WHERE p.id IS NULL OR p.status = 'merged'
    UNION ALL
    SELECT NULL, i.value FROM profile_identifier i LEFT JOIN profile p ON p.id = i.profile_id
     WHERE p.id IS NULL OR p.status = 'merged'`);
}

/** Merged profiles redirecting to a profile that is itself merged: readers follow one hop. */
async function redirectChains(app: ProfilesTestApp): Promise<unknown[]> {
  return app.env.sql(
    `SELECT p.id FROM profile p JOIN profile t ON t.id = p.merged_into WHERE t.status = 'merged'`,
  );
}

export type { IngestItem };
