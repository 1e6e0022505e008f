/**
 * A record the connector's `mapIn` cannot handle: listed on the run, kept whole in the dead
 * letters, and ingested when replayed after the connector is fixed. Uses a small connector
 * written for the test (loaded through CONNECTORS_DIR) whose records come from its config.
 */
import {
  FIXTURE_MAPPER_FIXED as FIXED_FLAG,
  FixtureConnectors,
  writeFixtureConnectors,
} from '../fixtures/fixture-connectors';
import { triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let app: TestApp;
let fixtures: FixtureConnectors;

beforeAll(async () => {
  fixtures = writeFixtureConnectors();
  env = await createTestEnvironment({ env: { CONNECTORS_DIR: fixtures.dir } });
  app = await startTestApp(env.config);
});

afterAll(async () => {
  delete (globalThis as Record<string, unknown>)[FIXED_FLAG];
  await app?.close();
  await env?.teardown();
  fixtures.remove();
});

it('lists an unmappable record on the run, dead-letters it whole, and replays it once fixed', async () => {
  const records = [
    { id: 1, email: 'ada@example.org' },
    { id: 2, email: 'odd@example.org', odd: true },
    { id: 3, email: 'grace@example.org' },
  ];
  const created = await app.request('POST', '/v1/connections', {
    body: {
      connector: 'fixture-list',
      name: 'fixture',
      config: { records },
      credentials: {},
      direction: 'pull',
    },
  });
  expect(created.status).toBe(201);
  const connectionId = (created.body as { id: string }).id;

  const run = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
  expect(run.status).toBe('succeeded');
  expect(run.progress).toMatchObject({ recordsRead: 3, ingested: 2, failed: 1 });
  expect(run.errors).toEqual([{ externalId: '2', reason: 'mapIn failed: unexpected shape: odd' }]);

  const list = await app.request('GET', `/v1/dead-letters?syncRunId=${run.id}`);
  const [letter] = (
    list.body as { data: { id: string; queue: string; jobName: string; records: number }[] }
  ).data;
  expect(letter).toMatchObject({ queue: 'sync', jobName: 'map-records', records: 1 });
  const detail = await app.request('GET', `/v1/dead-letters/${letter.id}`);
  expect((detail.body as { data: { records: unknown[] } }).data.records).toEqual([records[1]]);

  (globalThis as Record<string, unknown>)[FIXED_FLAG] = true;
  expect((await app.request('POST', `/v1/dead-letters/${letter.id}/replay`)).status).toBe(202);
  const deadline = Date.now() + 20_000;
  let stored: { external_id: string }[] = [];
  while (Date.now() < deadline && stored.length === 0) {
    stored = await env.sql(
      `SELECT external_id FROM source_record WHERE connection_id = $1 AND external_id = '2'`,
      [connectionId],
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(stored).toHaveLength(1);
  const replayed = await app.request(
    'GET',
    `/v1/dead-letters?connectionId=${connectionId}&status=replayed`,
  );
  expect((replayed.body as { data: unknown[] }).data).toHaveLength(1);
});
