/**
 * Durability of a sync: a worker process killed with SIGKILL mid-sync, then another started,
 * finishes the run from its last checkpoint with no record missing or duplicated.
 */
import { loadConfig } from '../../src/config/load-config';
import { HubspotEmulator } from '../emulators/hubspot';
import { spawnTs, SpawnedProcess } from '../support/spawn-service';
import { createHubspotConnection, triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const CONTACTS = 3000;

let env: TestEnvironment;
let api: TestApp;
let hubspot: HubspotEmulator;
const workers: SpawnedProcess[] = [];

beforeAll(async () => {
  // A killed worker's job lock lapses after JOB_LOCK_MS; keep the test short.
  env = await createTestEnvironment({ env: { JOB_LOCK_MS: '2000' } });
  api = await startTestApp(loadConfig({ ...env.env, SYNCLINE_ROLE: 'api' }));
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await hubspot.start();
  hubspot.seedContacts(CONTACTS, { at: Date.now() - 86_400_000 });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  await api?.close();
  await hubspot?.stop();
  await env?.teardown();
});

function startWorker(): SpawnedProcess {
  const worker = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'worker' });
  workers.push(worker);
  return worker;
}

it('a worker killed mid-sync is replaced and the run finishes with every record once', async () => {
  const connectionId = await createHubspotConnection(api, hubspot.baseUrl);
  // A slow vendor, so the kill lands in the middle of the read.
  hubspot.injectFault({ delayMs: 150, pathPrefix: '/crm/v3/objects/contacts', times: 1000 });
  const first = startWorker();
  const runId = await triggerSync(api, connectionId, { mode: 'full' });

  const atKill = await waitForRun(api, runId, (run) => run.progress.pages >= 8, 60_000);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(atKill.status).toBe('running');

  const second = startWorker();
  const run = await waitForRun(api, runId, undefined, 90_000).catch((error: Error) => {
    throw new Error(`${error.message}\n--- worker output ---\n${second.output().slice(-3000)}`);
  });
  expect(run.status).toBe('succeeded');
  expect(run.attempts).toBeGreaterThanOrEqual(2);
  expect(run.progress.pages).toBe(CONTACTS / 100);

  const [stored] = await env.sql<{ records: string; distinct_ids: string }>(
    `SELECT count(*) AS records, count(DISTINCT external_id) AS distinct_ids
     FROM source_record WHERE connection_id = $1 AND NOT deleted`,
    [connectionId],
  );
  expect(Number(stored.records)).toBe(CONTACTS);
  expect(Number(stored.distinct_ids)).toBe(CONTACTS);
  const [profiles] = await env.sql<{ active: string; created: string }>(
    `SELECT (SELECT count(*) FROM profile WHERE status = 'active') AS active,
            (SELECT count(*) FROM profile_change WHERE kind = 'created') AS created`,
  );
  expect(Number(profiles.active)).toBe(CONTACTS);
  // Re-read pages were absorbed by idempotency: no profile was created twice.
  expect(Number(profiles.created)).toBe(CONTACTS);

  // The resumed worker continued from the checkpoint instead of starting over.
  const pageReads = hubspot.requests({ method: 'GET', pathPrefix: '/crm/v3/objects/contacts' });
  expect(pageReads.length).toBeLessThan((CONTACTS / 100) * 2);
}, 150_000);
