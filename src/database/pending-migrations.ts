import { Client } from 'pg';
import { StartupError } from '../bootstrap/startup-error';
import { loadMigrations } from './migrations';
import { parsePostgresUrl } from './postgres-url';

/** The name TypeORM records for a migration in the `migrations` table. */
function recordedName(Migration: ReturnType<typeof loadMigrations>[number]): string {
  return new Migration().name ?? Migration.name;
}

/** This build's migrations that the database has not recorded as applied, oldest first. */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ table }] = (
      await client.query<{ table: string | null }>(
        `SELECT to_regclass('migrations')::text AS table`,
      )
    ).rows;
    const applied = new Set(
      table === null
        ? []
        : (await client.query<{ name: string }>('SELECT name FROM migrations')).rows.map(
            (row) => row.name,
          ),
    );
    return loadMigrations()
      .map(recordedName)
      .filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/**
 * With RUN_MIGRATIONS=false, migrating is a deployment step of its own. A process started before
 * it ran would fail on the first query that meets the old schema (at start-up, or later in a job),
 * so it refuses to start instead, saying what to run.
 */
export async function assertNoPendingMigrations(databaseUrl: string): Promise<void> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length === 0) return;
  const target = parsePostgresUrl(databaseUrl);
  throw new StartupError(
    `database "${target.database}" at ${target.host}:${target.port} lacks ${pending.length} ` +
      `migration(s) this version needs (${pending.join(', ')}). ` +
      'Run `npm run migrate` first, or start with RUN_MIGRATIONS=true.',
  );
}
