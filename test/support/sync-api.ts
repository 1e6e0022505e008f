import type { TestApp } from './test-app';

export interface SyncRunBody {
  id: string;
  status: string;
  progress: Record<string, number>;
  errors?: { externalId: string; reason: string }[];
  error: string | null;
  attempts: number;
  cursor: unknown;
  readFinishedAt: string | null;
}

/** Creates a HubSpot connection on an emulator through the API. @returns its id. */
export async function createHubspotConnection(
  app: TestApp,
  baseUrl: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await app.request('POST', '/v1/connections', {
    body: {
      connector: 'hubspot',
      name: `hubspot ${Math.random().toString(36).slice(2)}`,
      config: { baseUrl },
      credentials: { accessToken: 'test-token', clientSecret: 'hubspot-client-secret' },
      direction: 'pull',
      ...overrides,
    },
  });
  if (response.status !== 201) throw new Error(`create connection: ${response.text}`);
  return (response.body as { id: string }).id;
}

export async function triggerSync(
  app: TestApp,
  connectionId: string,
  body: Record<string, unknown> = { mode: 'full' },
): Promise<string> {
  const response = await app.request('POST', `/v1/connections/${connectionId}/syncs`, { body });
  if (response.status !== 202) throw new Error(`trigger sync: ${response.status} ${response.text}`);
  return (response.body as { id: string }).id;
}

export async function getRun(app: TestApp, runId: string): Promise<SyncRunBody> {
  const response = await app.request('GET', `/v1/syncs/${runId}`);
  if (response.status !== 200) throw new Error(`get run: ${response.status} ${response.text}`);
  return response.body as SyncRunBody;
}

/** Polls the run until `done(run)` holds. */
export async function waitForRun(
  app: TestApp,
  runId: string,
  done: (run: SyncRunBody) => boolean = (run) =>
    ['succeeded', 'failed', 'cancelled'].includes(run.status),
  timeoutMs = 60_000,
): Promise<SyncRunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(app, runId);
    if (done(run)) return run;
    if (Date.now() > deadline) {
      throw new Error(`run ${runId} not done after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
