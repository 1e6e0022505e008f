/**
 * The real Syncline app (role `all`) on a throwaway database and Redis prefix, for benches
 * that drive it over its REST API exactly as an admin would.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApiApp } from '../src/app/create-api-app';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { ensureDatabase } from '../src/database/ensure-database';
import { runMigrations } from '../src/database/migrations';
import { deleteRedisKeys, dropDatabase } from '../test/support/throwaway-resources';
import { benchSecretsKey } from './ingest-support';

export interface BenchApp {
  config: AppConfig;
  /** Where the app listens, e.g. for webhook deliveries. */
  baseUrl: string;
  /** fetch against the app with the admin token; throws on an unexpected status. */
  api<T>(method: string, path: string, body?: unknown, expect?: number): Promise<T>;
  /** Plain SQL on the bench database, for checks the API does not offer (counts). */
  sql<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Creates and migrates `syncline_bench_<bench>_<random>` on the server of DATABASE_URL (or uses
 * BENCH_DATABASE_URL as is, like the other benches), boots the app with API and workers in
 * this process under a Redis prefix of its own, and on `close()` stops it, drops the database
 * it created (unless `keep`) and deletes the prefix's Redis keys.
 */
export async function startBenchApp(
  bench: string,
  keep: boolean,
  env: Record<string, string> = {},
): Promise<BenchApp> {
  const name = `syncline_bench_${bench}_${randomBytes(4).toString('hex')}`;
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/syncline');
  server.pathname = `/${name}`;
  const given = process.env.BENCH_DATABASE_URL;
  const databaseUrl = given ?? server.toString();
  const config = loadConfig({
    ...process.env,
    SYNCLINE_ROLE: 'all',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: name,
    SECRETS_KEY: benchSecretsKey().toString('base64'),
    ADMIN_TOKEN: `bench_${randomBytes(18).toString('hex')}`,
    // Request and job logs would cost the bench's single event loop more than they tell, and
    // the retried 429s the app warns about are counted and printed by the bench itself.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    HOST: '127.0.0.1',
    PORT: '0',
    ...env,
  });
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  return {
    config,
    baseUrl,
    api: (method, path, body, expectStatus) =>
      callApi(baseUrl, config.adminToken, method, path, body, expectStatus),
    sql: async <T>(text: string, params?: unknown[]) => (await db.query(text, params)).rows as T[],
    close: async () => {
      await db.end().catch(() => undefined);
      await app.close();
      if (!keep && !given) await dropDatabase(databaseUrl);
      await deleteRedisKeys(config.redisUrl, name);
    },
  };
}

async function callApi<T>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  expectStatus?: number,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (expectStatus !== undefined ? response.status !== expectStatus : !response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
