/**
 * Runs whose queued work vanished from Redis (a Redis restarted without persistence, a flush):
 * they are failed instead of blocking their connection for good, and records read but lost
 * before being stored are read again by the next sync. The real app against the HubSpot
 * emulator, with real PostgreSQL and Redis; the jobs are removed with BullMQ's own obliterate.
 */
import { Queue } from 'bullmq';
import { QueueName } from '../../src/queues/queue-names';
import { LostSyncRuns } from '../../src/sync/lost-sync-runs';
import { HubspotEmulator } from '../emulators/hubspot';
import { createHubspotConnection, getRun, triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const DAY_AGO = Date.now() - 24 * 3600 * 1000;
const JOB_LOCK_MS = 1000;
/** Runs are judged once untouched for four job locks. */
const IDLE_MS = JOB_LOCK_MS * 4 + 500;

let env: TestEnvironment;
let app: TestApp;
let hubspot: HubspotEmulator;
let syncQueue: Queue;
let ingestQueue: Queue;

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_LOCK_MS: String(JOB_LOCK_MS) } });
  app = await startTestApp(env.config);
  const queue = (name: string) =>
    new Queue(name, { connection: { url: env.redisUrl }, prefix: env.queuePrefix });
  syncQueue = queue(QueueName.Sync);
  ingestQueue = queue(QueueName.Ingest);
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await hubspot.start();
});

afterAll(async () => {
  await app?.close();
  await syncQueue?.close();
  await ingestQueue?.close();
  await hubspot?.stop();
  await env?.teardown();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function jobTitleOf(connectionId: string, externalId: string): Promise<unknown> {
  const [row] = await env.sql<{ title: unknown }>(
    `SELECT p.traits->>'jobTitle' AS title FROM source_record s JOIN profile p ON p.id = s.profile_id
      WHERE s.connection_id = $1 AND s.external_id = $2`,
    [connectionId, externalId],
  );
  return row?.title;
}

describe('a sync run whose jobs vanished from Redis', () => {
  it('is failed once its ingest batches are gone, and the next sync stores what they held', async () => {
    const [first, second] = hubspot.seedContacts(20, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    const full = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(full.status).toBe('succeeded');

    hubspot.updateContact(first.id, { jobtitle: 'Night Auditor' });
    hubspot.updateContact(second.id, { jobtitle: 'Day Auditor' });
    await ingestQueue.pause();
    const runId = await triggerSync(app, connectionId, {
      mode: 'incremental',
      lookBackSeconds: 0,
    });
    await waitForRun(app, runId, (run) => run.readFinishedAt !== null);
    await sleep(IDLE_MS);

    // Idle but with its batch waiting in the queue: still alive.
    await app.app.get(LostSyncRuns).failLost();
    expect(await getRun(app, runId)).toMatchObject({ status: 'running' });

    await ingestQueue.obliterate({ force: true });
    await ingestQueue.resume();
    await app.app.get(LostSyncRuns).failLost();
    const lost = await getRun(app, runId);
    expect(lost.status).toBe('failed');
    expect(lost.error).toContain('1 of its 1 ingest batches were lost before being stored');

    // The connection is free again, and its cursor went back to where the lost run started.
    const next = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental', lookBackSeconds: 0 }),
    );
    expect(next).toMatchObject({ status: 'succeeded' });
    expect(next.progress.ingested).toBe(2);
    expect(await jobTitleOf(connectionId, first.id)).toBe('Night Auditor');
    expect(await jobTitleOf(connectionId, second.id)).toBe('Day Auditor');
  });

  it('is failed once its own job is gone before it finished reading, freeing the connection', async () => {
    hubspot.seedContacts(3, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    await syncQueue.pause();
    const runId = await triggerSync(app, connectionId, { mode: 'full' });
    await sleep(IDLE_MS);
    await app.app.get(LostSyncRuns).failLost();
    expect(await getRun(app, runId)).toMatchObject({ status: 'queued' });

    await syncQueue.obliterate({ force: true });
    await syncQueue.resume();
    await app.app.get(LostSyncRuns).failLost();
    expect(await getRun(app, runId)).toMatchObject({
      status: 'failed',
      error: "The run's job is missing; trigger a new sync to resume",
    });
    const next = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(next).toMatchObject({ status: 'succeeded' });
    expect(next.progress.ingested).toBe(next.progress.recordsRead);
  });
});
