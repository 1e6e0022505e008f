import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

const MIGRATIONS_DIR = join(__dirname, 'migrations');
/** Arbitrary constant: the advisory lock every replica takes before migrating. */
export const MIGRATION_LOCK_KEY = 7_341_920_118;

/**
 * Every migration class under `src/database/migrations`, ordered by file name (each starts
 * with a timestamp). Loaded from the folder so a feature adds a migration by adding a file.
 */
export function loadMigrations(): MigrationClass[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d+-[\w-]+\.(ts|js)$/.test(file))
    .sort()
    .flatMap((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(join(MIGRATIONS_DIR, file)) as Record<string, unknown>;
      return Object.values(exported).filter(
        (value): value is MigrationClass => typeof value === 'function',
      );
    });
}

export function migrationDataSource(databaseUrl: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: loadMigrations(),
    migrationsTableName: 'migrations',
    // One transaction per migration: a failure leaves the earlier ones applied and recorded.
    migrationsTransactionMode: 'each',
    logging: false,
  });
}

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so replicas that
 * start together take turns: the first applies them, the others find nothing left to do.
 * Returns the names of the migrations this call applied.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = migrationDataSource(databaseUrl);
  await dataSource.initialize();
  const lockSession = dataSource.createQueryRunner();
  try {
    await lockSession.connect();
    await lockSession.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockSession.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockSession.release();
    await dataSource.destroy();
  }
}
