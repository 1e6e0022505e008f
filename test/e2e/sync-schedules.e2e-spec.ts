/**
 * Connection schedules as BullMQ job schedulers: created, changed and removed with the
 * connection, and each tick run once however many workers are up.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createWorkerApp } from '../../src/app/create-worker-app';
import { loadConfig } from '../../src/config/load-config';
import { QueueName } from '../../src/queues/queue-names';
import { HubspotEmulator } from '../emulators/hubspot';
import { createHubspotConnection } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let api: TestApp;
let hubspot: HubspotEmulator;
let syncQueue: Queue;
const workers: INestApplicationContext[] = [];

beforeAll(async () => {
  env = await createTestEnvironment();
  api = await startTestApp(loadConfig({ ...env.env, SYNCLINE_ROLE: 'api' }));
  syncQueue = new Queue(QueueName.Sync, {
    connection: { url: env.redisUrl },
    prefix: env.queuePrefix,
  });
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await hubspot.start();
  hubspot.seedContacts(30, { at: Date.now() - 3_600_000 });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await api?.close();
  await syncQueue?.close();
  await hubspot?.stop();
  await env?.teardown();
});

async function schedulerOf(connectionId: string) {
  return syncQueue.getJobScheduler(`connection-${connectionId}`);
}

describe('sync schedules', () => {
  it('follow the connection: created, changed, paused when disabled, removed on delete', async () => {
    const id = await createHubspotConnection(api, hubspot.baseUrl, { schedule: '15m' });
    expect(await schedulerOf(id)).toMatchObject({ every: 900_000 });

    await api.request('PATCH', `/v1/connections/${id}`, { body: { schedule: '0 */6 * * *' } });
    const cron = await schedulerOf(id);
    expect(cron).toMatchObject({ pattern: '0 */6 * * *' });
    expect(cron?.every).toBeFalsy();

    await api.request('PATCH', `/v1/connections/${id}`, { body: { enabled: false } });
    expect(await schedulerOf(id)).toBeFalsy();
    await api.request('PATCH', `/v1/connections/${id}`, { body: { enabled: true } });
    expect(await schedulerOf(id)).toMatchObject({ pattern: '0 */6 * * *' });

    await api.request('PATCH', `/v1/connections/${id}`, { body: { schedule: null } });
    expect(await schedulerOf(id)).toBeFalsy();
    await api.request('PATCH', `/v1/connections/${id}`, { body: { schedule: '1h' } });
    expect(await api.request('DELETE', `/v1/connections/${id}`)).toMatchObject({ status: 204 });
    expect(await schedulerOf(id)).toBeFalsy();
  });

  it('two workers run each tick exactly once', async () => {
    workers.push(await createWorkerApp(env.config), await createWorkerApp(env.config));
    hubspot.clearRequests();
    const id = await createHubspotConnection(api, hubspot.baseUrl, { schedule: '10s' });

    // Two ticks at least (the first fires at once, then every 10 s).
    const deadline = Date.now() + 40_000;
    let runs: { trigger_key: string; status: string; attempts: number }[] = [];
    while (Date.now() < deadline) {
      runs = await env.sql(
        `SELECT trigger_key, status, attempts FROM sync_run WHERE connection_id = $1 ORDER BY queued_at`,
        [id],
      );
      if (runs.filter((run) => run.status === 'succeeded').length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const finished = runs.filter((run) => run.status === 'succeeded');
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(new Set(runs.map((run) => run.trigger_key)).size).toBe(runs.length);
    expect(finished.every((run) => run.attempts === 1)).toBe(true);

    // Each run read the vendor once: a tick run twice would show as extra reads.
    await api.request('PATCH', `/v1/connections/${id}`, { body: { enabled: false } });
    // Let a tick that fired just before the scheduler was removed finish.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reads = hubspot.requests({ pathPrefix: '/crm/v3/objects/contacts' });
    const [{ count }] = await env.sql<{ count: string }>(
      `SELECT count(*) FROM sync_run WHERE connection_id = $1 AND status <> 'queued'`,
      [id],
    );
    expect(reads.length).toBe(Number(count));
    const ticks = await syncQueue.getJobs(['completed', 'active', 'failed']);
    const scheduledJobs = ticks.filter(
      (job) => job.name === 'scheduled-sync' && job.data.connectionId === id,
    );
    expect(scheduledJobs.length).toBe(Number(count));
  });
});
