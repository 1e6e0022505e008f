/**
 * For `bench/sync.ts`: the real Syncline app (role `all`) on a throwaway database and Redis
 * prefix, driven over its REST API exactly as an admin would, plus the arithmetic that turns
 * a HubSpot emulator's request log into rate-limit figures.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createApiApp } from '../src/app/create-api-app';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { ensureDatabase, quoteIdentifier } from '../src/database/ensure-database';
import { runMigrations } from '../src/database/migrations';
import { parsePostgresUrl } from '../src/database/postgres-url';
import type { RecordedRequest } from '../test/emulators/common';

export interface BenchApp {
  config: AppConfig;
  /** fetch against the app with the admin token; throws on an unexpected status. */
  api<T>(method: string, path: string, body?: unknown, expect?: number): Promise<T>;
  /** Plain SQL on the bench database, for checks the API does not offer (counts). */
  sql<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Creates and migrates `syncline_bench_sync_<random>` on the server of DATABASE_URL (or uses
 * BENCH_DATABASE_URL as is, like the other benches), boots the app with API and workers in
 * this process under a Redis prefix of its own, and on `close()` stops it, drops the database
 * it created (unless `keep`) and deletes the prefix's Redis keys.
 */
export async function startBenchApp(keep: boolean): Promise<BenchApp> {
  const name = `syncline_bench_sync_${randomBytes(4).toString('hex')}`;
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
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `bench_${randomBytes(18).toString('hex')}`,
    // Request and job logs would cost the bench's single event loop more than they tell, and
    // the retried 429s the app warns about are counted and printed by the bench itself.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    HOST: '127.0.0.1',
    PORT: '0',
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

async function dropDatabase(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const admin = new Client({ connectionString: target.maintenanceUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The parts of `GET /v1/syncs/:id` the bench reads. */
export interface SyncRunView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: {
    pages: number;
    recordsRead: number;
    recordsQueued: number;
    ingested: number;
    unchanged: number;
    failed: number;
    batchesQueued: number;
    batchesDone: number;
  };
  attempts: number;
  error: string | null;
  errors: { externalId: string; reason: string }[];
  startedAt: string | null;
  readFinishedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/**
 * Polls the run until it ends, printing progress every `reportEveryMs`. Polling costs the
 * app one indexed SELECT per 200 ms: noise next to a sync.
 */
export async function waitForRun(
  app: BenchApp,
  runId: string,
  label: string,
  timeoutMs: number,
  reportEveryMs = 10_000,
): Promise<SyncRunView> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    const run = await app.api<SyncRunView>('GET', `/v1/syncs/${runId}`);
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    const now = Date.now();
    if (now - started > timeoutMs) {
      throw new Error(`${label}: run ${runId} still ${run.status} after ${timeoutMs} ms`);
    }
    if (now - reported >= reportEveryMs) {
      reported = now;
      const p = run.progress;
      console.log(
        `  ${label}: ${Math.round((now - started) / 1000)} s, ${p.pages} pages, ${p.recordsRead.toLocaleString()} read, ${(p.ingested + p.unchanged).toLocaleString()} in the store, batches ${p.batchesDone}/${p.batchesQueued}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Synthetic HubSpot contact `i` of a bench phase: unique email, a valid US phone on a third. */
export function benchContact(phase: string, i: number): Record<string, string> {
  const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
  const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];
  return {
    email: `${phase}.${i}@sync.bench.syncline.dev`,
    firstname: first[i % first.length],
    lastname: last[(i >> 3) % last.length],
    company: `Company ${i % 97}`,
    ...(i % 5 === 0 ? { jobtitle: 'Engineer' } : {}),
    city: 'Paris',
    country: 'France',
    ...(i % 3 === 0
      ? { phone: `+1415${String(2_000_000 + (i % 7_999_999)).padStart(7, '0')}` }
      : {}),
  };
}

export interface ListRequestStats {
  accepted: number;
  /** 429 answers (each was retried by the client, or the run would not have succeeded). */
  rateLimited: number;
  /** Other non-2xx answers. */
  otherErrors: number;
  /** Pages (distinct `after` values) never answered 2xx: requests that failed after retries. */
  neverAnswered: number;
  /** Arrival times of accepted requests, ms since the epoch, ascending. */
  acceptedAt: number[];
  /**
   * For each 429: how many ms before the vendor's window had a free slot it arrived (the
   * oldest accepted request of the window it hit, plus the interval, minus its arrival).
   */
  earlyByMs: number[];
}

/** Reads the emulator's log of `GET /crm/v3/objects/contacts` (the full-sync list endpoint). */
export function listRequestStats(
  requests: readonly RecordedRequest[],
  limit: { max: number; intervalMs: number },
): ListRequestStats {
  const list = requests.filter((r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts');
  const pages = new Map<string, boolean>();
  for (const r of list) {
    const after = r.query.after;
    const key = Array.isArray(after) ? after.join(',') : (after ?? '(first page)');
    const ok = r.status !== undefined && r.status >= 200 && r.status < 300;
    pages.set(key, (pages.get(key) ?? false) || ok);
  }
  const acceptedAt = list
    .filter((r) => r.status === 200)
    .map((r) => r.receivedAt)
    .sort((a, b) => a - b);
  return {
    accepted: acceptedAt.length,
    rateLimited: list.filter((r) => r.status === 429).length,
    otherErrors: list.filter((r) => r.status !== 200 && r.status !== 429).length,
    neverAnswered: [...pages.values()].filter((ok) => !ok).length,
    acceptedAt,
    earlyByMs: list
      .filter((r) => r.status === 429)
      .map((r) => {
        const before = acceptedAt.filter((at) => at <= r.receivedAt);
        const oldestInWindow = before[before.length - limit.max];
        return oldestInWindow === undefined
          ? NaN
          : Math.round((oldestInWindow + limit.intervalMs - r.receivedAt) * 10) / 10;
      }),
  };
}

/**
 * The most requests a rolling window of `max` per `intervalMs` (HubSpot's TEN_SECONDLY_ROLLING)
 * lets through in a span of `spanMs`: a full window at once, then `max` more per interval.
 * (The exact bound is a step function, max × (⌊span/interval⌋ + 1); this is its smooth upper
 * envelope.) The bench's stricter figure: a client that spends every slot the moment it frees
 * scores just under 1 against it, one that keeps every window full but spreads its requests
 * evenly scores span / (span + interval), 0.9 over 100 s.
 */
export function allowedRequests(spanMs: number, max: number, intervalMs: number): number {
  return max * (1 + spanMs / intervalMs);
}

export function seconds(fromIso: string | null, toIso: string | null): number {
  if (!fromIso || !toIso) return NaN;
  return (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
}
