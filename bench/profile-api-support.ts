/**
 * Helpers of `bench/profile-api.ts`: a store of N profiles written with set-based SQL, and the
 * full HTTP application (role `api`, bearer-token guard included) with an API token to call it.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApiApp } from '../src/app/create-api-app';
import { loadConfig } from '../src/config/load-config';
import { BENCH_CONNECTIONS, benchSecretsKey } from './ingest-support';
import { deleteRedisKeys } from '../test/support/throwaway-resources';

/** N profiles with one email identifier and one source record each, in 100k-row statements. */
export async function fillProfiles(url: string, profiles: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let from = 0; from < profiles; from += 100_000) {
      const to = Math.min(profiles, from + 100_000) - 1;
      await client.query(
        `WITH p AS (
           INSERT INTO profile (id, status, traits, provenance, created_at)
           SELECT gen_random_uuid(), 'active',
                  jsonb_build_object('email', 'user' || n || '@bench.syncline.dev', 'firstName', 'Ada', 'lastName', 'L' || n),
                  jsonb_build_array(jsonb_build_array($3::text, 'rec-' || n, '2024-01-01T00:00:00.000Z',
                                    jsonb_build_array('email', 'firstName', 'lastName'))),
                  now()
             FROM generate_series($1::int, $2::int) AS n
           RETURNING id, traits->>'email' AS email, provenance->0->>1 AS external_id),
         i AS (INSERT INTO profile_identifier (type, value, profile_id) SELECT 'email', email, id FROM p)
         INSERT INTO source_record (connection_id, external_id, profile_id, vendor_updated_at, content_hash, traits)
         SELECT $3::uuid, external_id, id, '2024-01-01', sha256(external_id::bytea), '{}'::jsonb
           FROM p`,
        [from, to, BENCH_CONNECTIONS[0]],
      );
    }
    await client.query('VACUUM ANALYZE profile, profile_identifier, source_record');
  } finally {
    await client.end();
  }
}

export interface BenchApi {
  url: string;
  /** A bearer token for requests: a stored `viewer` token, or the bootstrap admin token. */
  token: string;
  close(): Promise<void>;
}

/**
 * The HTTP application exactly as `npm run start:api` builds it (validation, error filter,
 * metrics hook, global TokenAuthGuard), on loopback, against `databaseUrl`, with its own Redis
 * key prefix (deleted on close). `tokenKind: 'stored'` creates a viewer token through
 * `POST /v1/tokens`, as an API client would hold; `'bootstrap'` uses ADMIN_TOKEN.
 */
export async function startBenchApi(
  databaseUrl: string,
  tokenKind: 'stored' | 'bootstrap',
): Promise<BenchApi> {
  const queuePrefix = `syncline_bench_api_${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = loadConfig({
    SYNCLINE_ROLE: 'api',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    SECRETS_KEY: benchSecretsKey().toString('base64'),
    ADMIN_TOKEN: `bench_${randomBytes(18).toString('hex')}`,
    // Request logs would cost the single event loop more than they tell here.
    LOG_LEVEL: 'silent',
  });
  let app: NestFastifyApplication | undefined;
  try {
    app = await createApiApp(config);
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const token =
      tokenKind === 'bootstrap' ? config.adminToken : await createViewerToken(url, config);
    const started = app;
    return {
      url,
      token,
      close: async () => {
        await started.close();
        await deleteRedisKeys(redisUrl, queuePrefix);
      },
    };
  } catch (error) {
    await app?.close();
    await deleteRedisKeys(redisUrl, queuePrefix);
    throw error;
  }
}

async function createViewerToken(url: string, config: { adminToken: string }): Promise<string> {
  const response = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'profile-api bench', role: 'viewer' }),
  });
  if (response.status !== 201) {
    throw new Error(`POST /v1/tokens answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { token: string }).token;
}
