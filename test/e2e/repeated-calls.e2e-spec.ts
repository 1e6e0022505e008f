/**
 * An admin's script retries: the same cancel or replay sent again, or twice at once, must
 * answer as the contract says and leave what the first call recorded.
 */
import { DeadLettersService } from '../../src/dead-letters/dead-letters.service';
import { QueueName } from '../../src/queues/queue-names';
import { SyncJobName } from '../../src/sync/sync-jobs';
import { waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let app: TestApp;

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '1', JOB_BACKOFF_MS: '50' } });
  app = await startTestApp(env.config);
});

afterAll(async () => {
  await app?.close();
  await env?.teardown();
});

/** A HubSpot connection on a closed port: its syncs never read anything. */
async function createConnection(enabled: boolean): Promise<string> {
  const response = await app.request('POST', '/v1/connections', {
    body: {
      connector: 'hubspot',
      name: `qa ${Math.random().toString(36).slice(2)}`,
      config: { baseUrl: 'http://127.0.0.1:9' },
      credentials: { accessToken: 'pat-qa' },
      direction: 'pull',
      enabled,
    },
  });
  expect(response.status).toBe(201);
  return (response.body as { id: string }).id;
}

describe('POST /v1/syncs/:id/cancel sent again', () => {
  it('answers the cancelled run as it is, still showing the cancel it was asked for', async () => {
    const connectionId = await createConnection(true);
    const triggered = await app.request('POST', `/v1/connections/${connectionId}/syncs`, {
      body: {},
    });
    const runId = (triggered.body as { id: string }).id;
    const first = await app.request('POST', `/v1/syncs/${runId}/cancel`);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ cancelRequested: true });
    expect(await waitForRun(app, runId)).toMatchObject({
      status: 'cancelled',
      cancelRequested: true,
    });

    const again = await app.request('POST', `/v1/syncs/${runId}/cancel`);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'cancelled', cancelRequested: true });
    expect(await waitForRun(app, runId)).toMatchObject({
      status: 'cancelled',
      cancelRequested: true,
    });
  });
});

describe('dead-letter replays sent twice at once', () => {
  let connectionId: string;
  let deadLetters: DeadLettersService;

  beforeAll(async () => {
    // Disabled: the replayed schedule ticks are skipped, nothing reaches a vendor.
    connectionId = await createConnection(false);
    deadLetters = app.app.get(DeadLettersService);
  });

  async function recordTick(): Promise<void> {
    await deadLetters.record({
      queue: QueueName.Sync,
      jobName: SyncJobName.Scheduled,
      jobId: null,
      data: { connectionId, mode: 'incremental' },
      error: 'qa: exhausted its retries',
      attempts: 1,
      connectionId,
      syncRunId: null,
      failedAt: new Date(),
    });
  }

  async function pendingIds(): Promise<string[]> {
    const page = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
    return (page.body as { data: { id: string }[] }).data.map((letter) => letter.id);
  }

  it('accepts one replay of a dead letter (202) and answers the others 409', async () => {
    await recordTick();
    const [id] = await pendingIds();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => app.request('POST', `/v1/dead-letters/${id}/replay`)),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([
      202, 409, 409, 409, 409, 409, 409, 409,
    ]);
    expect(answers.find((answer) => answer.status === 409)?.body).toMatchObject({
      statusCode: 409,
      message: expect.stringContaining('already replayed'),
    });
  });

  it("counts each of a connection's dead letters once across concurrent bulk replays", async () => {
    for (let i = 0; i < 3; i += 1) await recordTick();
    expect(await pendingIds()).toHaveLength(3);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        app.request('POST', '/v1/dead-letters/replay', { body: { connectionId } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    const replayed = answers.map((answer) => (answer.body as { replayed: number }).replayed);
    expect(replayed.reduce((sum, count) => sum + count, 0)).toBe(3);
    expect(await pendingIds()).toEqual([]);
  });
  it('answers 404 to a bulk replay for a connection that does not exist', async () => {
    const unknown = '7d0a3c38-1f7e-4c55-9a0e-6f1b2a3c4d5e';
    const answer = await app.request('POST', '/v1/dead-letters/replay', {
      body: { connectionId: unknown },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ message: expect.stringContaining(unknown) });
  });
});
