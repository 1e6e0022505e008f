import { DataSource, QueryRunner } from 'typeorm';
import { WriteOnceJson1732350000000 } from '../../../src/database/migrations/1732350000000-write-once-json';
import { dataSourceMigratedBefore } from '../../support/migrated-before';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

const CRM = '0f3c8a52-0000-4000-8000-0000000000c1';
const PROFILE = '0f3c8a52-0000-4000-8000-0000000000a1';

/**
 * Migration 1732350000000 on a store written before it: the write-once JSON columns become
 * `json` with their values and defaults intact, and `down` makes them `jsonb` again.
 */
describe('migration 1732350000000 (write-once json) on existing data', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let runner: QueryRunner;
  const migration = new WriteOnceJson1732350000000();
  const traits = { email: 'ada@acme.io', firstName: 'Ada', address: { city: 'London' } };
  const raw = { id: 'hs-1', properties: { email: 'ada@acme.io', note: 'tab\tand "quotes"' } };
  const changes = { traits: { email: { before: null, after: 'ada@acme.io' } } };
  const cause = { kind: 'sync', connectionId: CRM, externalIds: ['hs-1'] };

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
    dataSource = await dataSourceMigratedBefore(env.databaseUrl, 1732350000000);
    runner = dataSource.createQueryRunner();
    await runner.query(
      `INSERT INTO profile (id, status, traits, provenance) VALUES ($1, 'active', $2, $3)`,
      [PROFILE, traits, JSON.stringify([[CRM, 'hs-1', '2024-01-01T00:00:00.000Z', ['email']]])],
    );
    await runner.query(
      `INSERT INTO source_record (connection_id, external_id, profile_id, vendor_updated_at, content_hash,
                                  traits, identifiers, raw)
       VALUES ($1, 'hs-1', $2, '2024-01-01T00:00:00Z', '\\x00', $3, $4, $5)`,
      [CRM, PROFILE, traits, JSON.stringify([{ type: 'email', value: 'ada@acme.io' }]), raw],
    );
    await runner.query(
      `INSERT INTO profile_change (profile_id, kind, changes, cause) VALUES ($1, 'created', $2, $3)`,
      [PROFILE, changes, cause],
    );
  });

  afterAll(async () => {
    await runner?.release();
    await dataSource?.destroy();
    await env?.teardown();
  });

  const columnTypes = async () =>
    env.sql<{ column: string; type: string; default: string | null }>(
      `SELECT table_name || '.' || column_name AS column, data_type AS type, column_default AS default
         FROM information_schema.columns
        WHERE (table_name, column_name) IN (('source_record', 'traits'), ('source_record', 'identifiers'),
              ('source_record', 'raw'), ('profile', 'provenance'), ('profile', 'traits'),
              ('profile_change', 'changes'), ('profile_change', 'cause'))
        ORDER BY 1`,
    );
  const storedValues = async () => {
    const [row] = await env.sql(
      `SELECT p.traits AS profile_traits, p.provenance, s.traits, s.identifiers, s.raw, c.changes, c.cause
         FROM profile p JOIN source_record s ON s.profile_id = p.id JOIN profile_change c ON c.profile_id = p.id`,
    );
    return row;
  };
  const expectedValues = {
    profile_traits: traits,
    provenance: [[CRM, 'hs-1', '2024-01-01T00:00:00.000Z', ['email']]],
    traits,
    identifiers: [{ type: 'email', value: 'ada@acme.io' }],
    raw,
    changes,
    cause,
  };

  it('up: the write-once columns become json, values and defaults kept; profile traits stay jsonb', async () => {
    await migration.up(runner);
    expect(await columnTypes()).toEqual([
      { column: 'profile.provenance', type: 'json', default: expect.stringMatching(/^'\[\]'/) },
      { column: 'profile.traits', type: 'jsonb', default: "'{}'::jsonb" },
      { column: 'profile_change.cause', type: 'json', default: null },
      { column: 'profile_change.changes', type: 'json', default: null },
      {
        column: 'source_record.identifiers',
        type: 'json',
        default: expect.stringMatching(/^'\[\]'/),
      },
      { column: 'source_record.raw', type: 'json', default: null },
      { column: 'source_record.traits', type: 'json', default: null },
    ]);
    expect(await storedValues()).toEqual(expectedValues);
    // The defaults still produce an empty array.
    const [inserted] = await env.sql<{ provenance: unknown }>(
      `INSERT INTO profile (id, status) VALUES (gen_random_uuid(), 'active') RETURNING provenance`,
    );
    expect(inserted.provenance).toEqual([]);
  });

  it('down: the columns are jsonb again, values kept', async () => {
    await migration.down(runner);
    expect((await columnTypes()).map((column) => column.type)).toEqual(Array(7).fill('jsonb'));
    expect(await storedValues()).toEqual(expectedValues);
  });
});
