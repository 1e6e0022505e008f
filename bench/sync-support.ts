/**
 * For `bench/sync.ts`: the real Syncline app (role `all`) on a throwaway database and Redis
 * prefix, driven over its REST API exactly as an admin would, plus the arithmetic that turns
 * a HubSpot emulator's request log into rate-limit figures.
 */
import type { BenchApp } from './app-support';
import type { RecordedRequest } from '../test/emulators/common';

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
