/**
 * For a test file of sync runs against HubSpot: the real app (API and worker in one process)
 * on its own database and queues for the whole file, and a HubSpot emulator without rate
 * limits, fresh for each test so that each test sees only its own contacts and requests.
 *
 * `useHubspotSyncApp()` registers the hooks; `env`, `app` and `hubspot` are live bindings
 * they set, so a test reads them as plain names once the hooks have run.
 */
import { HubspotEmulator, type HubspotEmulatorOptions } from '../emulators/hubspot';
import { startTestApp, TestApp } from './test-app';
import { createTestEnvironment, TestEnvironment } from './test-environment';

export let env: TestEnvironment;
export let app: TestApp;
/** This test's emulator. */
export let hubspot: HubspotEmulator;

export function useHubspotSyncApp(appEnv: Record<string, string>): void {
  beforeAll(async () => {
    env = await createTestEnvironment({ env: appEnv });
    app = await startTestApp(env.config);
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  beforeEach(() => startHubspot({ rateLimit: false, searchRateLimit: false }));

  afterEach(() => hubspot.stop());
}

/** Stops this test's emulator and starts one built with `options` in its place. */
export async function replaceHubspot(options: HubspotEmulatorOptions): Promise<void> {
  await hubspot.stop();
  await startHubspot(options);
}

async function startHubspot(options: HubspotEmulatorOptions): Promise<void> {
  hubspot = new HubspotEmulator(options);
  await hubspot.start();
}
