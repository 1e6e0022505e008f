/**
 * `npm run migrate`: creates the database if needed and applies pending migrations.
 * Reads only DATABASE_URL, so it can run before the rest of the configuration exists.
 */
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './migrations';
import { StartupError } from '../bootstrap/startup-error';
import { ConfigError, loadDatabaseUrl } from '../config/load-config';

async function main(): Promise<void> {
  const databaseUrl = loadDatabaseUrl();
  await ensureDatabase(databaseUrl);
  const applied = await runMigrations(databaseUrl);
  console.log(
    applied.length === 0
      ? 'Database is up to date.'
      : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.problems.join('\n'));
  else console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
