import { DataSource, QueryRunner } from 'typeorm';
import { LeanProfileWrites1732320000000 } from '../../../src/database/migrations/1732320000000-lean-profile-writes';
import { readProvenance } from '../../../src/profiles/survivorship/stored-provenance';
import { dataSourceMigratedBefore } from '../../support/migrated-before';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

const CRM = '0f3c8a52-0000-4000-8000-0000000000c1';
const SHOP = '0f3c8a52-0000-4000-8000-0000000000c2';
const PROFILE = '0f3c8a52-0000-4000-8000-0000000000a1';

/**
 * Migration 1732320000000 on a store written before it: provenance rewritten into the grouped
 * form the code reads back to the same per-trait map, search text and trigram index replaced
 * by prefix indexes, foreign keys dropped; and `down` restores the previous schema and data.
 */
describe('migration 1732320000000 (lean profile writes) on existing data', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let runner: QueryRunner;
  const migration = new LeanProfileWrites1732320000000();
  const provenanceBefore = {
    company: { connectionId: SHOP, externalId: 'sh-1', updatedAt: '2024-02-01T00:00:00.000Z' },
    email: { connectionId: CRM, externalId: 'hs-1', updatedAt: '2024-01-01T00:00:00.000Z' },
    firstName: { connectionId: CRM, externalId: 'hs-1', updatedAt: '2024-01-01T00:00:00.000Z' },
  };

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
    dataSource = await dataSourceMigratedBefore(env.databaseUrl, 1732320000000);
    runner = dataSource.createQueryRunner();
    await runner.query(
      `INSERT INTO profile (id, status, traits, provenance, search_text)
       VALUES ($1, 'active', '{"company": "Acme", "email": "ada@acme.io", "firstName": "Ada"}', $2,
               'ada ada@acme.io')`,
      [PROFILE, JSON.stringify(provenanceBefore)],
    );
    await runner.query(
      `INSERT INTO profile (id, status, merged_into) VALUES (gen_random_uuid(), 'merged', $1)`,
      [PROFILE],
    );
    await runner.query(
      `INSERT INTO profile_identifier (type, value, profile_id) VALUES ('email', 'ada@acme.io', $1)`,
      [PROFILE],
    );
  });

  afterAll(async () => {
    await runner?.release();
    await dataSource?.destroy();
    await env?.teardown();
  });

  const constraints = async () =>
    (
      await env.sql<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid IN
           ('source_record'::regclass, 'profile_identifier'::regclass) ORDER BY 1`,
      )
    ).map((row) => row.conname);
  const collations = async () =>
    env.sql<{ column: string; collation: string | null }>(
      `SELECT table_name || '.' || column_name AS column, collation_name AS collation
         FROM information_schema.columns
        WHERE (table_name, column_name) IN (('profile_identifier', 'type'),
              ('profile_identifier', 'value'), ('source_record', 'external_id'))
        ORDER BY 1`,
    );
  const indexes = async () =>
    (
      await env.sql<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'profile' ORDER BY 1`,
      )
    ).map((row) => row.indexname);

  it('up: regroups provenance, swaps the trigram index for prefix indexes, drops the foreign keys', async () => {
    await migration.up(runner);
    const rows = await env.sql<{ status: string; provenance: unknown }>(
      `SELECT status, provenance FROM profile ORDER BY status`,
    );
    expect(rows[0].provenance).toEqual([
      [CRM, 'hs-1', '2024-01-01T00:00:00.000Z', ['email', 'firstName']],
      [SHOP, 'sh-1', '2024-02-01T00:00:00.000Z', ['company']],
    ]);
    expect(readProvenance(rows[0].provenance as never)).toEqual(provenanceBefore);
    expect(rows[1]).toEqual({ status: 'merged', provenance: [] });
    expect(await indexes()).toEqual(
      expect.arrayContaining([
        'profile_email_prefix_idx',
        'profile_first_name_prefix_idx',
        'profile_last_name_prefix_idx',
      ]),
    );
    expect(await indexes()).not.toContain('profile_search_idx');
    expect(await constraints()).toEqual([]);
    expect((await collations()).map((row) => row.collation)).toEqual(['C', 'C', 'C']);
    // Equality lookups from uncollated parameters still use the primary key.
    expect(
      await env.sql(`SELECT profile_id FROM profile_identifier WHERE type = $1 AND value = $2`, [
        'email',
        'ada@acme.io',
      ]),
    ).toEqual([{ profile_id: PROFILE }]);

    // The table is tiny: only forbidding the sequential scan shows whether the index can serve q.
    await env.sql('SET enable_seqscan = off');
    const plan = await env.sql<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM profile p
        WHERE (lower(p.traits->>'firstName') COLLATE "C") LIKE 'ad%'`,
    );
    await env.sql('RESET enable_seqscan');
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('profile_first_name_prefix_idx');
    expect(text).toMatch(/Index Cond: .*>= 'ad'.*< 'ae'/);
  });

  it('down: restores the per-trait provenance, search text, trigram index and foreign keys', async () => {
    await migration.down(runner);
    const [profile] = await env.sql<{ provenance: unknown; search_text: string }>(
      `SELECT provenance, search_text FROM profile WHERE id = $1`,
      [PROFILE],
    );
    expect(profile).toEqual({ provenance: provenanceBefore, search_text: 'ada ada@acme.io' });
    expect(await indexes()).toContain('profile_search_idx');
    expect(await constraints()).toEqual([
      'profile_identifier_profile_id_fkey',
      'source_record_profile_id_fkey',
    ]);
    expect((await collations()).map((row) => row.collation)).toEqual([null, null, null]);
  });
});
