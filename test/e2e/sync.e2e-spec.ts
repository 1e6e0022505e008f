/**
 * Sync runs end to end: the real app (API + worker in one process) against the HubSpot
 * emulator over HTTP, with real PostgreSQL and Redis.
 */
import { HubspotEmulator } from '../emulators/hubspot';
import { createHubspotConnection, triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const DAY_AGO = Date.now() - 24 * 3600 * 1000;

let env: TestEnvironment;
let app: TestApp;
let hubspot: HubspotEmulator;

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' } });
  app = await startTestApp(env.config);
});

afterAll(async () => {
  await app?.close();
  await env?.teardown();
});

beforeEach(async () => {
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await hubspot.start();
});

afterEach(() => hubspot.stop());

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await env.sql<{ count: string }>(sql, params);
  return Number(row.count);
}

describe('sync runs', () => {
  it('a full then an incremental sync ingest every record exactly once', async () => {
    hubspot.seedContacts(230, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);

    const full = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(full).toMatchObject({ status: 'succeeded', errors: [] });
    expect(full.progress).toMatchObject({ pages: 3, recordsRead: 230, ingested: 230, failed: 0 });
    expect(
      await count('SELECT count(*) FROM source_record WHERE connection_id = $1', [connectionId]),
    ).toBe(230);
    expect(await count(`SELECT count(*) FROM profile WHERE status = 'active'`)).toBe(230);

    hubspot.updateContact('5', { jobtitle: 'Chief Listener' });
    hubspot.updateContact('150', { firstname: 'Renamed' });
    const incremental = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental', lookBackSeconds: 0 }),
    );
    expect(incremental.status).toBe('succeeded');
    expect(incremental.progress.ingested).toBe(2);
    // Nothing ingested twice: one source record and one profile per contact.
    expect(
      await count('SELECT count(*) FROM source_record WHERE connection_id = $1', [connectionId]),
    ).toBe(230);
    expect(await count(`SELECT count(*) FROM profile WHERE status = 'active'`)).toBe(230);
    const [renamed] = await env.sql<{ traits: { firstName: string } }>(
      `SELECT p.traits FROM profile p JOIN source_record s ON s.profile_id = p.id
       WHERE s.connection_id = $1 AND s.external_id = '150'`,
      [connectionId],
    );
    expect(renamed.traits.firstName).toBe('Renamed');
    const created = await count(`SELECT count(*) FROM profile_change WHERE kind = 'created'`);
    expect(created).toBe(230);
  });
});
