import { AppConfig } from '../config/app-config';
import { ensureDatabase } from '../database/ensure-database';
import { runMigrations } from '../database/migrations';
import { assertNoPendingMigrations } from '../database/pending-migrations';
import { assertRedisReachable } from '../redis/redis-connection';

/**
 * Everything that must hold before Nest starts: both stores answer, the database exists
 * and its schema is current. Each failure is a `StartupError` naming what to fix.
 */
export async function preflight(config: AppConfig): Promise<{ appliedMigrations: string[] }> {
  await ensureDatabase(config.databaseUrl);
  await assertRedisReachable(config.redisUrl);
  if (!config.runMigrations) {
    await assertNoPendingMigrations(config.databaseUrl);
    return { appliedMigrations: [] };
  }
  return { appliedMigrations: await runMigrations(config.databaseUrl) };
}
