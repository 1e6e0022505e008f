/**
 * A worker killed (SIGKILL) while a batch write to a destination is in flight: another worker
 * takes the jobs over, and the destination ends with every person written exactly once.
 */
import { loadConfig } from '../../src/config/load-config';
import { HubspotEmulator } from '../emulators/hubspot';
import { ShopifyEmulator } from '../emulators/shopify';
import { spawnTs, SpawnedProcess } from '../support/spawn-service';
import { triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { waitUntil } from '../support/wait-for';

const PEOPLE = 60;

let env: TestEnvironment;
let api: TestApp;
let shopify: ShopifyEmulator;
let hubspot: HubspotEmulator;
const workers: SpawnedProcess[] = [];

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_LOCK_MS: '2000', JOB_BACKOFF_MS: '100' } });
  api = await startTestApp(loadConfig({ ...env.env, SYNCLINE_ROLE: 'api' }));
  shopify = new ShopifyEmulator({ rateLimit: false });
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await Promise.all([shopify.start(), hubspot.start()]);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  await api?.close();
  await Promise.all([shopify?.stop(), hubspot?.stop()]);
  await env?.teardown();
});

function startWorker(): SpawnedProcess {
  const worker = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'worker' });
  workers.push(worker);
  return worker;
}

async function create(body: Record<string, unknown>): Promise<string> {
  const response = await api.request('POST', '/v1/connections', { body });
  if (response.status !== 201) throw new Error(response.text);
  return (response.body as { id: string }).id;
}

it('a push interrupted by SIGKILL resumes on another worker without loss or duplicates', async () => {
  shopify.seedCustomers(
    Array.from({ length: PEOPLE }, (_, i) => ({
      email: `person${i}@crashtest.dev`,
      first_name: `Person${i}`,
    })),
  );
  const source = await create({
    connector: 'shopify',
    name: 'shop',
    direction: 'pull',
    config: { baseUrl: shopify.apiBaseUrl() },
    credentials: { accessToken: 'test-token', clientSecret: 'secret' },
  });
  await create({
    connector: 'hubspot',
    name: 'crm',
    direction: 'push',
    config: { baseUrl: hubspot.baseUrl },
    credentials: { accessToken: 'test-token', clientSecret: 'secret' },
  });
  // The first batch write hangs long enough for the kill to land while it is in flight.
  hubspot.injectFault({ delayMs: 4000, pathPrefix: '/crm/v3/objects/contacts/batch', times: 1 });

  const first = startWorker();
  expect((await waitForRun(api, await triggerSync(api, source), undefined, 60_000)).status).toBe(
    'succeeded',
  );
  await waitUntil(
    () =>
      hubspot.requests({ method: 'POST', pathPrefix: '/crm/v3/objects/contacts/batch' }).length > 0,
  );
  first.child.kill('SIGKILL');
  await first.exited;

  startWorker();
  await waitUntil(async () => {
    const [row] = await env.sql<{ ok: string }>(
      `SELECT count(*) AS ok FROM push_state WHERE status = 'ok' AND pushed_at IS NOT NULL`,
    );
    return Number(row.ok) === PEOPLE;
  }, 90_000);

  const emails = hubspot.store.all().map((contact) => contact.properties.email);
  expect(emails).toHaveLength(PEOPLE);
  expect(new Set(emails).size).toBe(PEOPLE);
}, 180_000);
