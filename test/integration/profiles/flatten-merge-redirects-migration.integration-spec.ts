import { DataSource, QueryRunner } from 'typeorm';
import { FlattenMergeRedirects1732368000000 } from '../../../src/database/migrations/1732368000000-flatten-merge-redirects';
import { dataSourceMigratedBefore } from '../../support/migrated-before';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

/** Migration 1732368000000 on a store holding the redirect chains older ingests left. */
describe('migration 1732368000000 (flatten merge redirects) on existing data', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
    dataSource = await dataSourceMigratedBefore(env.databaseUrl, 1732368000000);
    runner = dataSource.createQueryRunner();
  });

  afterAll(async () => {
    await runner?.release();
    await dataSource?.destroy();
    await env?.teardown();
  });

  it('up: every merged profile redirects to a profile that is not merged', async () => {
    // a ← b ← c ← d (each merged into the previous), e ← f already flat, g alone.
    const ids = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name, i) => [
        name,
        `0f3c8a52-0000-4000-8000-00000000000${i}`,
      ]),
    );
    const redirects: [string, string | null][] = [
      ['a', null],
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', null],
      ['f', 'e'],
      ['g', null],
    ];
    for (const [name, into] of redirects) {
      await runner.query(`INSERT INTO profile (id, status, merged_into) VALUES ($1, $2, $3)`, [
        ids[name],
        into ? 'merged' : 'active',
        into ? ids[into] : null,
      ]);
    }

    await new FlattenMergeRedirects1732368000000().up(runner);

    const rows = await env.sql<{ id: string; merged_into: string | null }>(
      `SELECT id, merged_into FROM profile ORDER BY id`,
    );
    const expected: Record<string, string | null> = {
      a: null,
      b: ids.a,
      c: ids.a,
      d: ids.a,
      e: null,
      f: ids.e,
      g: null,
    };
    expect(rows).toEqual(
      Object.entries(expected).map(([name, into]) => ({ id: ids[name], merged_into: into })),
    );
  });
});
