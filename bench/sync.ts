/**
 * `npm run bench -- sync [--records N] [--limited-records M] [--keep]`
 *
 * A full HubSpot sync through the real app (API + workers in this process, as `npm start`
 * runs them) against the HubSpot emulator on loopback, triggered and watched over the REST
 * API, in two phases on one fresh database:
 *
 * 1. Rate limit off: N contacts (default 100,000), the emulator enforcing no limit and the
 *    connection on the highest budget the connector's `requestsPer10Seconds` plan setting
 *    takes (1,000 per 10 s), so reading is not throttled → records/s from the run's start to
 *    the moment every record is in the profile store.
 * 2. Rate limit on: M contacts (default also 100,000 = 1,000 list requests ≈ 100 s), the
 *    emulator enforcing HubSpot's TEN_SECONDLY_ROLLING limit of 100 requests per 10 s and the
 *    connection on the connector's default budget, the same 100 per 10 s → the share of the
 *    allowed request rate the sync used (accepted list requests per second over the run's
 *    duration ÷ 10/s), and the requests that failed even after retries. Fewer records are
 *    faster but weigh the window edges more: HubSpot lets the first 100 requests through at
 *    once, which alone is worth +50 % on a 20,000-record (200-request) run.
 *
 * Last line: {"bench":"sync","recordsPerSecond":…,"rateLimitUse":…,"failedRequests":…}
 */
import { hubspotManifest } from '../connectors/hubspot/manifest';
import { HubspotEmulator } from '../test/emulators/hubspot';
import { flag } from './ingest-support';
import {
  allowedRequests,
  benchContact,
  listRequestStats,
  seconds,
  waitForRun,
  type ListRequestStats,
  type SyncRunView,
} from './sync-support';
import { startBenchApp, type BenchApp } from './app-support';

const TOKEN = 'bench-hubspot-token';
/** The highest plan budget the HubSpot connector's config accepts (`requestsPer10Seconds`). */
const UNTHROTTLED_PER_10_SECONDS = 1000;
/** HubSpot's documented burst limit on Free/Starter, which the connector assumes by default. */
const HUBSPOT_LIMIT = { max: 100, intervalMs: 10_000 };
const DAY_MS = 24 * 3600 * 1000;

interface PhaseResult {
  records: number;
  run: SyncRunView;
  stats: ListRequestStats;
  /** startedAt → finishedAt: the sync as the API reports it, until the last record is stored. */
  syncSeconds: number;
  readSeconds: number;
}

export async function run(args: string[]): Promise<void> {
  const records = Number(flag(args, 'records', '100000'));
  const limitedRecords = Number(flag(args, 'limited-records', '100000'));
  const keep = args.includes('--keep');
  for (const [name, value] of [
    ['records', records],
    ['limited-records', limitedRecords],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer`);
  }
  if (hubspotManifest.rateLimit?.requests !== HUBSPOT_LIMIT.max) {
    throw new Error('The HubSpot connector no longer defaults to 100 requests per 10 s');
  }

  const app = await startBenchApp('sync', keep);
  try {
    console.log(
      `sync bench: phase 1, ${records.toLocaleString()} contacts, no rate limit (client budget ${UNTHROTTLED_PER_10_SECONDS}/10 s)`,
    );
    const open = await syncPhase(app, 'unlimited', records, {
      emulatorLimit: false,
      config: { requestsPer10Seconds: UNTHROTTLED_PER_10_SECONDS },
    });
    const recordsPerSecond = Math.round(records / open.syncSeconds);
    const readRequestRate = open.stats.accepted / open.readSeconds;
    console.log(
      `unlimited  ${records.toLocaleString()} records in ${open.syncSeconds.toFixed(1)} s = ${recordsPerSecond.toLocaleString()} records/s (run start → last record in the store)`,
    );
    console.log(
      `           reading ${open.readSeconds.toFixed(1)} s (${Math.round(records / open.readSeconds).toLocaleString()} records/s, ${readRequestRate.toFixed(1)} list requests/s of the ${UNTHROTTLED_PER_10_SECONDS / 10}/s client budget), ` +
        `ingest tail after the last page ${(open.syncSeconds - open.readSeconds).toFixed(1)} s; ${open.stats.accepted} list requests, ${open.run.progress.batchesQueued} ingest batches`,
    );

    console.log(
      `sync bench: phase 2, ${limitedRecords.toLocaleString()} contacts, emulator and client at ${HUBSPOT_LIMIT.max} requests / ${HUBSPOT_LIMIT.intervalMs / 1000} s`,
    );
    const limited = await syncPhase(app, 'limited', limitedRecords, {
      emulatorLimit: HUBSPOT_LIMIT,
      config: {},
    });
    const allowedPerSecond = HUBSPOT_LIMIT.max / (HUBSPOT_LIMIT.intervalMs / 1000);
    const achievedPerSecond = limited.stats.accepted / limited.syncSeconds;
    const rateLimitUse = Number((achievedPerSecond / allowedPerSecond).toFixed(3));
    // Stricter: also counts the first window's burst (HubSpot lets 100 through at once) as
    // budget the sync could have spent.
    const withBurst = allowedRequests(
      limited.syncSeconds * 1000,
      HUBSPOT_LIMIT.max,
      HUBSPOT_LIMIT.intervalMs,
    );
    const strictUse = limited.stats.accepted / withBurst;
    // A sync job attempt fails when a request still fails after the HTTP client's retries.
    const failedRequests = limited.stats.neverAnswered + (limited.run.attempts - 1);
    console.log(
      `limited    ${limitedRecords.toLocaleString()} records in ${limited.syncSeconds.toFixed(1)} s: ${limited.stats.accepted} list requests = ${achievedPerSecond.toFixed(2)}/s of ${allowedPerSecond}/s allowed → rate-limit use ${(rateLimitUse * 100).toFixed(1)} %`,
    );
    console.log(
      `           counting the first window's burst as allowed too (${withBurst.toFixed(0)} requests in that time): ${(strictUse * 100).toFixed(1)} %; ` +
        `429s retried ${limited.stats.rateLimited}, other errors ${limited.stats.otherErrors}, failed after retries ${failedRequests}; sync attempts ${limited.run.attempts}`,
    );
    const accepted = limited.stats.acceptedAt;
    const started = Date.parse(limited.run.startedAt ?? '');
    const offset = (at: number | undefined) =>
      at === undefined ? '-' : ((at - started) / 1000).toFixed(1);
    console.log(
      `           from the run's start: first request ${offset(accepted[0])} s, ${HUBSPOT_LIMIT.max}th ${offset(accepted[HUBSPOT_LIMIT.max - 1])} s, ` +
        `last ${offset(accepted[accepted.length - 1])} s, reading done ${limited.readSeconds.toFixed(1)} s, every record stored ${limited.syncSeconds.toFixed(1)} s; ` +
        `accepted per 10 s: ${perInterval(accepted, HUBSPOT_LIMIT.intervalMs).join(' ')}`,
    );
    if (limited.stats.rateLimited > 0) {
      console.log(
        `           each 429 arrived this many ms before HubSpot's window had room: ${limited.stats.earlyByMs.join(', ')}`,
      );
    }
    if (limitedRecords <= HUBSPOT_LIMIT.max * 100 * 5) {
      console.log(
        `note       with ${limited.stats.accepted} requests the first window's burst weighs much: use ≥ ${(HUBSPOT_LIMIT.max * 100 * 5).toLocaleString()} limited records for a steady-state figure`,
      );
    }
    console.log(
      `target     rate-limit use ≥ 90 % with 0 failed requests: ${rateLimitUse >= 0.9 && failedRequests === 0 ? 'met' : 'NOT met'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'sync',
        records,
        recordsPerSecond,
        limitedRecords,
        rateLimitUse,
        failedRequests,
        rateLimitUseWithBurst: Number(strictUse.toFixed(3)),
        retried429: limited.stats.rateLimited,
      }),
    );
  } finally {
    await app.close();
  }
}

/**
 * Seeds an emulator, creates a connection over the API, runs one full sync, and checks that
 * every contact reached the store. Throws when the run did not succeed completely.
 */
async function syncPhase(
  app: BenchApp,
  phase: 'unlimited' | 'limited',
  records: number,
  options: {
    emulatorLimit: { max: number; intervalMs: number } | false;
    config: Record<string, unknown>;
  },
): Promise<PhaseResult> {
  const hubspot = new HubspotEmulator({
    accessTokens: [TOKEN],
    rateLimit: options.emulatorLimit,
    searchRateLimit: options.emulatorLimit === false ? false : undefined,
    // Room for the bench's own volume: the daily limit is not what is measured.
    dailyLimit: 1_000_000,
  });
  await hubspot.start();
  try {
    const seedStarted = Date.now();
    hubspot.seedContacts(
      Array.from({ length: records }, (_, i) => benchContact(phase, i)),
      { at: Date.now() - DAY_MS },
    );
    console.log(`  seeded ${records.toLocaleString()} contacts in ${Date.now() - seedStarted} ms`);
    const connection = await app.api<{ id: string }>('POST', '/v1/connections', {
      connector: 'hubspot',
      name: `HubSpot bench (${phase})`,
      config: { baseUrl: hubspot.baseUrl, ...options.config },
      credentials: { accessToken: TOKEN },
      direction: 'pull',
    });
    hubspot.clearRequests();
    const trigger = await app.api<{ id: string }>(
      'POST',
      `/v1/connections/${connection.id}/syncs`,
      { mode: 'full' },
      202,
    );
    // Generous: 100,000 records at a tenth of the expected rate.
    const run = await waitForRun(app, trigger.id, phase, Math.max(600_000, records * 20));
    const [stored] = await app.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM source_record WHERE connection_id = $1 AND NOT deleted`,
      [connection.id],
    );
    if (run.status !== 'succeeded' || stored.count !== records || run.errors.length > 0) {
      throw new Error(
        `${phase} sync did not complete: status ${run.status}, ${stored.count}/${records} records stored, ` +
          `error ${run.error ?? 'none'}, record errors ${JSON.stringify(run.errors.slice(0, 3))}`,
      );
    }
    return {
      records,
      run,
      stats: listRequestStats(hubspot.requests(), options.emulatorLimit || HUBSPOT_LIMIT),
      syncSeconds: seconds(run.startedAt, run.finishedAt),
      readSeconds: seconds(run.startedAt, run.readFinishedAt),
    };
  } finally {
    await hubspot.stop();
  }
}

/** How many of the sorted times fall in each interval after the first. */
function perInterval(sorted: readonly number[], intervalMs: number): number[] {
  const counts: number[] = [];
  for (const at of sorted) {
    const bucket = Math.floor((at - sorted[0]) / intervalMs);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return Array.from(counts, (count) => count ?? 0);
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
