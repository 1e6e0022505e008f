/**
 * `npm run bench -- profile-api [--profiles N] [--duration S] [--connections C] [--token stored|bootstrap] [--keep]`
 *
 * Fills a throwaway database with N profiles (default 1,000,000; set-based SQL, the shape ingest
 * writes), starts the full API application (`createApiApp`, role `api`, so the bearer-token
 * guard runs on every request) and drives `GET /v1/profiles?email=…` with autocannon (in a worker
 * thread) on random existing emails, authenticated with a stored viewer token (or
 * `--token bootstrap`: ADMIN_TOKEN).
 * Last line: {"bench":"profile-api","profiles":N,"p50Ms":…,"p99Ms":…,"requestsPerSecond":…}
 */
import autocannon from 'autocannon';
import { BenchApi, fillProfiles, startBenchApi } from './profile-api-support';
import { createBenchDatabase, flag } from './ingest-support';

/** Random existing emails each connection looks up in turn (more than a run sends). */
const LOOKUPS = 100_000;

export async function run(args: string[]): Promise<void> {
  const profiles = Number(flag(args, 'profiles', '1000000'));
  const duration = Number(flag(args, 'duration', '15'));
  // 4 connections: a latency measurement, not a saturation test (2 cores shared with PostgreSQL).
  const connections = Number(flag(args, 'connections', '4'));
  const tokenKind = flag(args, 'token', 'stored') === 'bootstrap' ? 'bootstrap' : 'stored';
  const database = await createBenchDatabase('api', args.includes('--keep'));
  let api: BenchApi | undefined;
  try {
    const fillStarted = Date.now();
    await fillProfiles(database.url, profiles);
    console.log(
      `filled ${profiles.toLocaleString()} profiles in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`,
    );
    api = await startBenchApi(database.url, tokenKind);

    // Warm-up (JIT, pool, plan cache), then the measured run.
    await cannon(api, profiles, 3, connections);
    const result = await cannon(api, profiles, duration, connections);
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(
        `${result.non2xx} non-2xx responses and ${result.errors} errors during the run`,
      );
    }
    const p50Ms = result.latency.p50;
    const p99Ms = result.latency.p99;
    const requestsPerSecond = Math.round(result.requests.average);
    console.log(
      `GET /v1/profiles?email=… on ${profiles.toLocaleString()} profiles, full app (role api, ${tokenKind} token), ${connections} connections, ${duration} s`,
    );
    console.log(
      `  p50 ${p50Ms} ms   p99 ${p99Ms} ms   ${requestsPerSecond.toLocaleString()} req/s   (${result.requests.total} requests)`,
    );
    console.log(
      JSON.stringify({ bench: 'profile-api', profiles, p50Ms, p99Ms, requestsPerSecond }),
    );
  } finally {
    await api?.close();
    await database.drop();
  }
}

function cannon(
  api: BenchApi,
  profiles: number,
  duration: number,
  connections: number,
): Promise<autocannon.Result> {
  // The load generator runs in a worker thread of its own, as a separate client would: on the
  // server's event loop its own work would be counted in every response time.
  return autocannon({
    url: api.url,
    connections,
    duration,
    workers: 1,
    headers: { authorization: `Bearer ${api.token}` },
    requests: Array.from({ length: LOOKUPS }, () => ({
      method: 'GET' as const,
      path: `/v1/profiles?email=user${Math.floor(Math.random() * profiles)}%40bench.syncline.dev`,
    })),
  });
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
