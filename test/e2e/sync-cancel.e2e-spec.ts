/**
 * Cancelling a run that waits out the backoff before its next attempt: no worker holds it, so
 * the cancel itself ends it and the connection can sync again at once.
 */
import { HubspotEmulator } from '../emulators/hubspot';
import { createHubspotConnection, getRun, triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let app: TestApp;
let hubspot: HubspotEmulator;

beforeAll(async () => {
  // A failed attempt waits a minute before the next one.
  env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '60000' } });
  app = await startTestApp(env.config);
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  await hubspot.start();
  hubspot.seedContacts(20, { at: Date.now() - 3_600_000 });
});

afterAll(async () => {
  await app?.close();
  await hubspot?.stop();
  await env?.teardown();
});

it('a run waiting for its retry is cancelled at once and frees the connection', async () => {
  const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
  // Unavailable for an hour: the client gives up at once and the attempt fails.
  hubspot.injectFault({
    status: 503,
    headers: { 'retry-after': '3600' },
    pathPrefix: '/crm/v3/objects/contacts',
    times: 1,
  });
  const runId = await triggerSync(app, connectionId, { mode: 'full' });
  const waiting = await waitForRun(app, runId, (run) => run.error !== null, 20_000);
  expect(waiting).toMatchObject({ status: 'running', attempts: 1 });

  const cancel = await app.request('POST', `/v1/syncs/${runId}/cancel`);
  expect(cancel.status).toBe(202);
  expect(cancel.body).toMatchObject({ id: runId, status: 'cancelled' });
  expect((await getRun(app, runId)).status).toBe('cancelled');

  const next = await waitForRun(
    app,
    await triggerSync(app, connectionId, { mode: 'full' }),
    undefined,
    20_000,
  );
  expect(next.status).toBe('succeeded');
  expect(next.progress.ingested).toBe(20);
});

it('a run being read is only flagged, and stops after its current page', async () => {
  hubspot.injectFault({ delayMs: 1500, pathPrefix: '/crm/v3/objects/contacts', times: 5 });
  const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
  const runId = await triggerSync(app, connectionId, { mode: 'full' });
  await waitForRun(app, runId, (run) => run.status === 'running', 20_000);

  const cancel = await app.request('POST', `/v1/syncs/${runId}/cancel`);
  expect(cancel.body).toMatchObject({ status: 'running', cancelRequested: true });
  expect((await waitForRun(app, runId, undefined, 20_000)).status).toBe('cancelled');
});
