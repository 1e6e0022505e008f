import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { ensureDatabase } from '../../src/database/ensure-database';
import { runMigrations } from '../../src/database/migrations';
import { deleteRedisKeys, dropDatabase } from './throwaway-resources';

/** Where the shared test services live; CI and developers' machines both run them here. */
export const TEST_POSTGRES_SERVER =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * An isolated slice of the shared PostgreSQL and Redis for one test file: its own database
 * (migrated) and its own queue/key prefix, so test files run in parallel without meeting.
 */
export interface TestEnvironment {
  name: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** The env variables a Syncline process for this environment would get. */
  env: Record<string, string>;
  config: AppConfig;
  /** Plain SQL access for assertions. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  teardown(): Promise<void>;
}

export interface TestEnvironmentOptions {
  /** Skip migrations (for tests of start-up itself). */
  migrate?: boolean;
  env?: Record<string, string>;
}

export async function createTestEnvironment(
  options: TestEnvironmentOptions = {},
): Promise<TestEnvironment> {
  const name = `syncline_t_${randomBytes(6).toString('hex')}`;
  const server = new URL(TEST_POSTGRES_SERVER);
  server.pathname = `/${name}`;
  const databaseUrl = server.toString();
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: name,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `admin_${randomBytes(18).toString('hex')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  };

  await ensureDatabase(databaseUrl);
  if (options.migrate !== false) await runMigrations(databaseUrl);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  client.on('error', () => undefined);

  return {
    name,
    databaseUrl,
    redisUrl: env.REDIS_URL,
    queuePrefix: name,
    env,
    config: loadConfig(env),
    sql: async <T>(text: string, params?: unknown[]) =>
      (await client.query(text, params)).rows as T[],
    teardown: async () => {
      await client.end().catch(() => undefined);
      await dropDatabase(databaseUrl);
      await deleteRedisKeys(env.REDIS_URL, name);
    },
  };
}
