/**
 * `npm run bench -- profile-api [--profiles N] [--duration S] [--connections C] [--keep]`
 *
 * Fills a throwaway database with N profiles (default 1,000,000; set-based SQL, same shape as
 * ingest writes), serves ProfilesModule over Fastify on loopback, and drives
 * `GET /v1/profiles?email=…` with autocannon on random existing emails.
 * Last line: {"bench":"profile-api","profiles":N,"p50Ms":…,"p99Ms":…,"requestsPerSecond":…}
 */
import autocannon from 'autocannon';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { HttpExceptionFilter } from '../src/common/errors/http-exception.filter';
import { createValidationPipe } from '../src/common/validation.pipe';
import { ConfigModule } from '../src/config/config.module';
import { loadConfig } from '../src/config/load-config';
import { DatabaseModule } from '../src/database/database.module';
import { ProfilesModule } from '../src/profiles/profiles.module';
import { createBenchDatabase, flag } from './ingest-support';

export async function run(args: string[]): Promise<void> {
  const profiles = Number(flag(args, 'profiles', '1000000'));
  const duration = Number(flag(args, 'duration', '15'));
  // 4 connections: a latency measurement, not a saturation test (2 cores shared with PostgreSQL).
  const connections = Number(flag(args, 'connections', '4'));
  const database = await createBenchDatabase('api', args.includes('--keep'));
  let app: NestFastifyApplication | undefined;
  try {
    const fillStarted = Date.now();
    await fillProfiles(database.url, profiles);
    console.log(
      `filled ${profiles.toLocaleString()} profiles in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`,
    );

    const config = loadConfig({
      DATABASE_URL: database.url,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: 'silent',
      SYNCLINE_ROLE: 'api',
    });
    @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, ProfilesModule] })
    class ProfileApiBenchModule {}
    app = await NestFactory.create<NestFastifyApplication>(
      ProfileApiBenchModule,
      new FastifyAdapter(),
      {
        logger: false,
      },
    );
    app.useGlobalFilters(new HttpExceptionFilter());
    app.useGlobalPipes(createValidationPipe());
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();

    // Warm-up (JIT, pool, plan cache), then the measured run.
    await cannon(url, profiles, 3, connections);
    const result = await cannon(url, profiles, duration, connections);
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(
        `${result.non2xx} non-2xx responses and ${result.errors} errors during the run`,
      );
    }
    const p50Ms = result.latency.p50;
    const p99Ms = result.latency.p99;
    const requestsPerSecond = Math.round(result.requests.average);
    console.log(
      `GET /v1/profiles?email=… on ${profiles.toLocaleString()} profiles, ${connections} connections, ${duration} s`,
    );
    console.log(
      `  p50 ${p50Ms} ms   p99 ${p99Ms} ms   ${requestsPerSecond.toLocaleString()} req/s   (${result.requests.total} requests)`,
    );
    console.log(
      JSON.stringify({ bench: 'profile-api', profiles, p50Ms, p99Ms, requestsPerSecond }),
    );
  } finally {
    await app?.close();
    await database.drop();
  }
}

function cannon(
  url: string,
  profiles: number,
  duration: number,
  connections: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({
          ...request,
          path: `/v1/profiles?email=user${Math.floor(Math.random() * profiles)}%40bench.syncline.dev`,
        }),
      },
    ],
  });
}

/** N profiles with one email identifier and one source record each, in 100k-row statements. */
async function fillProfiles(url: string, profiles: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let from = 0; from < profiles; from += 100_000) {
      const to = Math.min(profiles, from + 100_000) - 1;
      await client.query(
        `WITH p AS (
           INSERT INTO profile (id, status, traits, provenance, search_text, created_at)
           SELECT gen_random_uuid(), 'active',
                  jsonb_build_object('email', 'user' || n || '@bench.syncline.dev', 'firstName', 'Ada', 'lastName', 'L' || n),
                  jsonb_build_object('email', jsonb_build_object('connectionId', 'b0000000-0000-4000-8000-000000000001',
                                     'externalId', 'rec-' || n, 'updatedAt', '2024-01-01T00:00:00.000Z')),
                  'ada l' || n || ' user' || n || '@bench.syncline.dev', now()
             FROM generate_series($1::int, $2::int) AS n
           RETURNING id, traits->>'email' AS email, provenance->'email'->>'externalId' AS external_id),
         i AS (INSERT INTO profile_identifier (type, value, profile_id) SELECT 'email', email, id FROM p)
         INSERT INTO source_record (connection_id, external_id, profile_id, vendor_updated_at, content_hash, traits)
         SELECT 'b0000000-0000-4000-8000-000000000001', external_id, id, '2024-01-01', sha256(external_id::bytea), '{}'::jsonb
           FROM p`,
        [from, to],
      );
    }
    await client.query('VACUUM ANALYZE profile, profile_identifier, source_record');
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
