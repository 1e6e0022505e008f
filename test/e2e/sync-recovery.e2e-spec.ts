/**
 * Recovering from failures without losing data: a full sync does not take a record it could
 * not map for a deleted one, and failed sync jobs replayed from the dead letters run again
 * (retries included) instead of leaving a run that blocks the connection. Uses a connector
 * written for the test (loaded through CONNECTORS_DIR) whose records come from its config and
 * whose reads fail while a counter on `globalThis` says so (and hand out a NUL character in
 * records marked `nul`).
 */
import { Queue } from 'bullmq';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueName } from '../../src/queues/queue-names';
import { getRun, SyncRunBody, triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { waitForValue } from '../support/wait-for';

/** Reads to fail before the connector answers again. */
const FAILING_READS = '__syncline_recovery_failing_reads';

const CONNECTOR_SOURCE = `
module.exports.default = {
  manifest: {
    name: 'fixture-recovery', displayName: 'Fixture recovery', description: 'Records from config',
    category: 'other', capabilities: ['read', 'deletes'],
    configSchema: { type: 'object', properties: { records: { type: 'array' } } },
    credentialsSchema: { type: 'object', properties: {} },
  },
  http: () => ({ baseUrl: 'http://127.0.0.1:9' }),
  check: async () => ({ ok: true, message: 'nothing to check' }),
  async *read(ctx) {
    if ((globalThis['${FAILING_READS}'] || 0) > 0) {
      globalThis['${FAILING_READS}'] -= 1;
      throw new Error('vendor unavailable');
    }
    // A record asked for with \`nul\` arrives holding a NUL character, as some vendors send.
    const records = (ctx.config.records || []).map((r) =>
      r.nul ? { ...r, id: r.id + String.fromCharCode(0), note: 'before' + String.fromCharCode(0) + 'after' } : r);
    yield { records, cursor: { done: true } };
  },
  mapIn(raw) {
    if (!raw.updatedAt) throw new Error('record ' + raw.id + ' has no updatedAt');
    return { externalId: String(raw.id), updatedAt: raw.updatedAt, traits: { email: raw.email } };
  },
};`;

const AT = '2026-01-01T00:00:00.000Z';

let env: TestEnvironment;
let app: TestApp;
let connectorsDir: string;
let syncQueue: Queue;

beforeAll(async () => {
  connectorsDir = mkdtempSync(join(tmpdir(), 'syncline-connectors-'));
  mkdirSync(join(connectorsDir, 'fixture-recovery'));
  writeFileSync(join(connectorsDir, 'fixture-recovery', 'index.js'), CONNECTOR_SOURCE);
  env = await createTestEnvironment({
    env: { CONNECTORS_DIR: connectorsDir, JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' },
  });
  app = await startTestApp(env.config);
  syncQueue = new Queue(QueueName.Sync, {
    connection: { url: env.redisUrl },
    prefix: env.queuePrefix,
  });
});

afterAll(async () => {
  delete (globalThis as Record<string, unknown>)[FAILING_READS];
  await app?.close();
  await syncQueue?.close();
  await env?.teardown();
  rmSync(connectorsDir, { recursive: true, force: true });
});

function failNextReads(count: number): void {
  (globalThis as Record<string, unknown>)[FAILING_READS] = count;
}

async function createConnection(records: unknown[]): Promise<string> {
  const created = await app.request('POST', '/v1/connections', {
    body: {
      connector: 'fixture-recovery',
      name: `recovery ${Math.random().toString(36).slice(2)}`,
      config: { records },
      credentials: {},
      direction: 'pull',
    },
  });
  if (created.status !== 201) throw new Error(`create connection: ${created.text}`);
  return (created.body as { id: string }).id;
}

async function pendingDeadLetters(
  connectionId: string,
): Promise<{ id: string; jobName: string; syncRunId: string | null }[]> {
  const list = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
  return (list.body as { data: { id: string; jobName: string; syncRunId: string | null }[] }).data;
}

async function runsOf(connectionId: string): Promise<SyncRunBody[]> {
  const list = await app.request('GET', `/v1/connections/${connectionId}/syncs`);
  return (list.body as { data: SyncRunBody[] }).data;
}

describe('full sync deletions', () => {
  it('keep a record the vendor still returns, even when it can no longer be mapped', async () => {
    const records = [
      { id: 1, email: 'ada@example.org', updatedAt: AT },
      { id: 2, email: 'grace@example.org', updatedAt: AT },
      { id: 3, email: 'alan@example.org', updatedAt: AT },
    ];
    const connectionId = await createConnection(records);
    expect((await waitForRun(app, await triggerSync(app, connectionId))).status).toBe('succeeded');

    // Record 2 comes back in a shape the connector cannot map; record 3 is gone at the vendor.
    const patched = await app.request('PATCH', `/v1/connections/${connectionId}`, {
      body: { config: { records: [records[0], { id: 2, email: 'grace@example.org' }] } },
    });
    expect(patched.status).toBe(200);
    const run = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(run.status).toBe('succeeded');
    expect(run.progress).toMatchObject({ recordsRead: 2, failed: 1, deletionsQueued: 1 });

    const stored = await env.sql<{ external_id: string; deleted: boolean }>(
      `SELECT external_id, deleted FROM source_record WHERE connection_id = $1 ORDER BY external_id`,
      [connectionId],
    );
    expect(stored).toEqual([
      { external_id: '1', deleted: false },
      { external_id: '2', deleted: false },
      { external_id: '3', deleted: true },
    ]);
  });
});

describe('records holding a NUL character', () => {
  it('one that cannot be mapped is dead-lettered like any other, and the run finishes', async () => {
    const connectionId = await createConnection([
      { id: 1, email: 'ada@example.org', updatedAt: AT },
      { id: 2, email: 'nul@example.org', nul: true },
    ]);
    const run = await waitForRun(app, await triggerSync(app, connectionId));
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(run.progress).toMatchObject({ ingested: 1, failed: 1 });
    expect(run.errors).toEqual([
      { externalId: '2\uFFFD', reason: 'mapIn failed: record 2\uFFFD has no updatedAt' },
    ]);

    const [letter] = await pendingDeadLetters(connectionId);
    expect(letter).toMatchObject({ jobName: 'map-records', syncRunId: run.id });
    const detail = await app.request('GET', `/v1/dead-letters/${letter.id}`);
    const { data } = detail.body as { data: { records: { id: number; note: string }[] } };
    // PostgreSQL cannot hold U+0000 in JSON: it is kept as U+FFFD.
    expect(data.records).toEqual([
      { id: '2\uFFFD', email: 'nul@example.org', nul: true, note: 'before\uFFFDafter' },
    ]);
  });
});

describe('replaying failed sync jobs', () => {
  it('reads nothing once the connection is disabled or only pushes', async () => {
    const tickConnection = await createConnection([
      { id: 1, email: 'ada@example.org', updatedAt: AT },
    ]);
    const tickLetter = await deadLetterTick(tickConnection);
    failNextReads(2);
    const runConnection = await createConnection([
      { id: 1, email: 'ada@example.org', updatedAt: AT },
    ]);
    const runId = await triggerSync(app, runConnection, { mode: 'full' });
    expect((await waitForRun(app, runId)).status).toBe('failed');
    const [runLetter] = await waitForValue('the dead letter of the failed run', async () => {
      const letters = await pendingDeadLetters(runConnection);
      return letters.length > 0 ? letters : undefined;
    });

    await app.request('PATCH', `/v1/connections/${tickConnection}`, {
      body: { direction: 'push' },
    });
    await app.request('PATCH', `/v1/connections/${runConnection}`, { body: { enabled: false } });
    for (const letterId of [tickLetter, runLetter.id]) {
      expect((await app.request('POST', `/v1/dead-letters/${letterId}/replay`)).status).toBe(202);
      await waitForValue('the replay job done', async () => {
        const job = await syncQueue.getJob(`replay-${letterId}`);
        return job && (await job.isCompleted()) ? job : undefined;
      });
    }

    expect(await runsOf(tickConnection)).toEqual([]);
    expect(await runsOf(runConnection)).toMatchObject([{ id: runId, status: 'failed' }]);
    const stored = await env.sql(`SELECT 1 FROM source_record WHERE connection_id IN ($1, $2)`, [
      tickConnection,
      runConnection,
    ]);
    expect(stored).toEqual([]);
  });

  it('a replayed schedule tick runs a sync and leaves the connection free', async () => {
    const connectionId = await createConnection([
      { id: 1, email: 'ada@example.org', updatedAt: AT },
    ]);
    const letterId = await deadLetterTick(connectionId);

    expect((await app.request('POST', `/v1/dead-letters/${letterId}/replay`)).status).toBe(202);
    const run = await waitForValue('a finished run of the replayed tick', async () => {
      const [latest] = await runsOf(connectionId);
      return latest && ['succeeded', 'failed', 'cancelled'].includes(latest.status)
        ? latest
        : undefined;
    });
    expect(run.status).toBe('succeeded');
    expect(run.progress.ingested).toBe(1);
    // Nothing is left queued or running: the next sync starts at once.
    const next = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental' }),
    );
    expect(next.status).toBe('succeeded');
  });

  it('a replayed run whose first attempt fails again is retried to the end', async () => {
    const connectionId = await createConnection([
      { id: 1, email: 'ada@example.org', updatedAt: AT },
    ]);
    failNextReads(2);
    const runId = await triggerSync(app, connectionId, { mode: 'full' });
    expect(await waitForRun(app, runId)).toMatchObject({
      status: 'failed',
      error: 'vendor unavailable',
    });
    const [letter] = await waitForValue('the dead letter of the failed run', async () => {
      const letters = await pendingDeadLetters(connectionId);
      return letters.length > 0 ? letters : undefined;
    });
    expect(letter).toMatchObject({ jobName: 'sync-run', syncRunId: runId });

    // The vendor fails once more: the replay's first attempt fails, its retry must finish.
    failNextReads(1);
    expect((await app.request('POST', `/v1/dead-letters/${letter.id}/replay`)).status).toBe(202);
    // Two attempts before the replay, two for it.
    const run = await waitForRun(
      app,
      runId,
      (current) => current.attempts >= 4 && !['queued', 'running'].includes(current.status),
      20_000,
    );
    expect(run).toMatchObject({ status: 'succeeded', attempts: 4, error: null });
    expect(run.progress.ingested).toBe(1);
  });

  it('a replayed batch whose record fails alone again does not count towards its run', async () => {
    const { connectionId, runId } = await runWaitingOnADeadLetteredBatch();
    const letterId = await deadLetterBatch(connectionId, runId, ['fine', 'poison']);
    // Refused in its batch, then alone; stored by its own retry.
    await withPoisonRefused(2, async () => {
      expect((await app.request('POST', `/v1/dead-letters/${letterId}/replay`)).status).toBe(202);
      await waitForValue('the replayed record stored on its own', async () => {
        const stored = await env.sql(
          `SELECT 1 FROM source_record WHERE connection_id = $1 AND external_id = 'poison'`,
          [connectionId],
        );
        return stored.length > 0 ? true : undefined;
      });
      // Give the single-record job time to report, as it would if it counted.
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    expect((await getRun(app, runId)).progress.batchesDone).toBe(0);
    expect((await getRun(app, runId)).status).toBe('running');
  });

  it('a replayed batch dead-lettered again does not count towards its run', async () => {
    const { connectionId, runId } = await runWaitingOnADeadLetteredBatch();
    const letterId = await deadLetterBatch(connectionId, runId, ['poison']);
    await withPoisonRefused(1000, async () => {
      expect((await app.request('POST', `/v1/dead-letters/${letterId}/replay`)).status).toBe(202);
      await waitForValue('the replay in the dead letters', async () => {
        const letters = await pendingDeadLetters(connectionId);
        return letters.length > 0 ? letters : undefined;
      });
    });
    expect((await getRun(app, runId)).status).toBe('running');
  });
});

/** A run that finished reading and waits on two batches, one of them already dead-lettered. */
async function runWaitingOnADeadLetteredBatch(): Promise<{ connectionId: string; runId: string }> {
  const connectionId = await createConnection([]);
  const [run] = await env.sql<{ id: string }>(
    `INSERT INTO sync_run (connection_id, mode, trigger, status, started_at, read_finished_at,
                           batches_queued)
     VALUES ($1, 'full', 'manual', 'running', now(), now(), 2) RETURNING id`,
    [connectionId],
  );
  return { connectionId, runId: run.id };
}

/** An ingest batch of the run, dead-lettered after a database outage. @returns the letter id. */
async function deadLetterBatch(
  connectionId: string,
  runId: string,
  externalIds: string[],
): Promise<string> {
  const items = externalIds.map((externalId) => ({
    connectionId,
    record: { externalId, updatedAt: AT, traits: { email: `${externalId}@example.org` } },
  }));
  const [letter] = await env.sql<{ id: string }>(
    `INSERT INTO dead_letter (queue, job_name, job_id, data, error, attempts, connection_id,
                              sync_run_id, failed_at)
     VALUES ('ingest', 'ingest-batch', $1, $2, 'Connection terminated', 2, $3, $4, now())
     RETURNING id`,
    [
      `${runId}-p1-lost`,
      JSON.stringify({ cause: { kind: 'sync', syncRunId: runId }, items }),
      connectionId,
      runId,
    ],
  );
  return letter.id;
}

/** The database refuses record "poison" `times` times while `work` runs. */
async function withPoisonRefused(times: number, work: () => Promise<void>): Promise<void> {
  await env.sql(`CREATE SEQUENCE poison_refusals`);
  await env.sql(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.external_id = 'poison' AND nextval('poison_refusals') <= ${times} THEN
        RAISE EXCEPTION 'record poison refused';
      END IF;
      RETURN NEW;
    END $$`);
  await env.sql(`CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON source_record
                 FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
  try {
    await work();
  } finally {
    await env.sql(`DROP TRIGGER refuse_poison ON source_record`);
    await env.sql(`DROP FUNCTION refuse_poison()`);
    await env.sql(`DROP SEQUENCE poison_refusals`);
  }
}

/** A schedule tick of the connection whose every attempt failed, as the sweeper stores it. */
async function deadLetterTick(connectionId: string): Promise<string> {
  const [letter] = await env.sql<{ id: string }>(
    `INSERT INTO dead_letter (queue, job_name, job_id, data, error, attempts, connection_id, failed_at)
     VALUES ('sync', 'scheduled-sync', $1, $2, 'vendor unavailable', 2, $3, now()) RETURNING id`,
    [
      `repeat:connection-${connectionId}:1`,
      JSON.stringify({ connectionId, mode: 'incremental' }),
      connectionId,
    ],
  );
  return letter.id;
}
