/**
 * `npm run migrate`: creates the database if needed and applies pending migrations.
 * Reads only DATABASE_URL, so it can run before the rest of the configuration exists.
 */
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './migrations';
import { StartupError } from '../bootstrap/startup-error';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/syncline';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await ensureDatabase(databaseUrl);
  const applied = await runMigrations(databaseUrl);
  console.log(
    applied.length === 0
      ? 'Database is up to date.'
      : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
