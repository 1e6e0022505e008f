/**
 * A PostgreSQL outage longer than the jobs' retry budget is nobody's fault: the real app (API
 * and worker in one process) reaches PostgreSQL only through a TCP proxy that the test cuts
 * and restores. Work accepted during the outage (webhook events, ingest batches, a sync) waits
 * for the database without spending attempts and completes once, by itself, when it is back;
 * a record the database refuses still fails alone and reaches the dead letters after its
 * attempts.
 */
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config';
import { INGEST_JOB_NAME, IngestJobData } from '../../src/profiles/ingest/ingest-job';
import { ALL_QUEUES, QueueName } from '../../src/queues/queue-names';
import { ShopifyEmulator } from '../emulators/shopify';
import { triggerSync, waitForRun } from '../support/sync-api';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForValue } from '../support/wait-for';

const SHOPIFY_TOKEN = 'shpat_database-outage-token';
const SHOPIFY_SECRET = 'shopify-app-client-secret-database-outage';
/**
 * Three tries 100 ms apart (with backoff) give up well within a second: the outage lasts
 * many times that.
 */
const JOB_ATTEMPTS = 3;
const OUTAGE_MS = 6_000;
const AT = '2026-01-01T00:00:00.000Z';

interface DeadLetterBody {
  id: string;
  queue: string;
  jobName: string;
  attempts: number;
  error: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let env: TestEnvironment;
let postgresProxy: TcpProxy;
let app: TestApp;
let shopify: ShopifyEmulator;
let queues: Queue[];
let webhookConnection: string;

const queue = (name: QueueName) => queues.find((q) => q.name === name)!;

beforeAll(async () => {
  env = await createTestEnvironment({
    env: { JOB_ATTEMPTS: String(JOB_ATTEMPTS), JOB_BACKOFF_MS: '100' },
  });
  // The proxy first: the app knows PostgreSQL only through it.
  const postgres = new URL(env.databaseUrl);
  postgresProxy = await startTcpProxy(postgres.hostname, Number(postgres.port || 5432));
  postgres.hostname = '127.0.0.1';
  postgres.port = String(postgresProxy.port);
  app = await startTestApp(loadConfig({ ...env.env, DATABASE_URL: postgres.toString() }));
  shopify = new ShopifyEmulator({ accessTokens: [SHOPIFY_TOKEN] });
  await shopify.start();
  webhookConnection = await createShopifyConnection('Shopify (webhooks)');
  queues = ALL_QUEUES.map(
    (name) => new Queue(name, { connection: { url: env.redisUrl }, prefix: env.queuePrefix }),
  );
});

afterAll(async () => {
  await app?.close();
  await postgresProxy?.cut();
  await Promise.all((queues ?? []).map((q) => q.close()));
  await shopify?.stop();
  await env?.teardown();
});

async function createShopifyConnection(name: string): Promise<string> {
  const created = await app.request('POST', '/v1/connections', {
    body: {
      connector: 'shopify',
      name,
      direction: 'pull',
      config: { baseUrl: shopify.apiBaseUrl() },
      credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
    },
  });
  if (created.status !== 201) throw new Error(`create connection: ${created.text}`);
  return (created.body as { id: string }).id;
}

/** Creates customers at Shopify and delivers a signed customers/create for each. */
async function sendCustomerWebhooks(
  connectionId: string,
  prefix: string,
  count: number,
): Promise<string[]> {
  const customers = Array.from({ length: count }, (_, i) =>
    shopify.createCustomer({ email: `${prefix}.${i}@outage.syncline.dev`, first_name: 'Out' }),
  );
  const sent = await Promise.all(
    customers.map((customer) =>
      shopify.sendWebhook(`${app.baseUrl}/webhooks/${connectionId}`, 'customers/create', customer, {
        secret: SHOPIFY_SECRET,
      }),
    ),
  );
  expect(sent.map((response) => response.status)).toEqual(customers.map(() => 200));
  return customers.map((customer) => String(customer.id));
}

/**
 * Ingest batches queued through the app's own producer (its job options: JOB_ATTEMPTS,
 * backoff), as the sync engine queues them for `runId`.
 */
async function queueIngestBatches(
  runId: string | undefined,
  connectionId: string,
  externalIds: string[][],
): Promise<void> {
  const ingest = app.app.get<Queue<IngestJobData>>(getQueueToken(QueueName.Ingest));
  await ingest.addBulk(
    externalIds.map((ids, index) => ({
      name: INGEST_JOB_NAME,
      data: {
        cause: runId ? { kind: 'sync', syncRunId: runId } : { kind: 'manual' },
        items: ids.map((externalId) => ({
          connectionId,
          record: { externalId, updatedAt: AT, traits: { email: `${externalId}@outage.dev` } },
        })),
      } satisfies IngestJobData,
      opts: { jobId: `${runId ?? randomUUID()}-p${index}-outage` },
    })),
  );
}

async function storedIds(connectionId: string, externalIds: string[]): Promise<string[]> {
  const rows = await env.sql<{ external_id: string }>(
    `SELECT external_id FROM source_record WHERE connection_id = $1 AND external_id = ANY($2)`,
    [connectionId, externalIds],
  );
  return rows.map((row) => row.external_id).sort();
}

async function deadLetters(connectionId?: string): Promise<DeadLetterBody[]> {
  const filter = connectionId ? `&connectionId=${connectionId}` : '';
  const listed = await app.request('GET', `/v1/dead-letters?limit=200${filter}`);
  expect(listed.status).toBe(200);
  return (listed.body as { data: DeadLetterBody[] }).data;
}

async function failedJobs(): Promise<number> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts('failed')));
  return counts.reduce((sum, count) => sum + count.failed, 0);
}

describe('a PostgreSQL outage longer than the retry budget', () => {
  it('holds webhook events, ingest batches and a sync until PostgreSQL is back, then stores each once with no dead letters', async () => {
    // A sync of another connection, queued before the outage and started during it.
    const syncShop = new ShopifyEmulator({ accessTokens: [SHOPIFY_TOKEN] });
    await syncShop.start();
    let cut = false;
    try {
      syncShop.seedCustomers(30);
      const syncConnection = await app.request('POST', '/v1/connections', {
        body: {
          connector: 'shopify',
          name: 'Shopify (sync)',
          direction: 'pull',
          config: { baseUrl: syncShop.apiBaseUrl() },
          credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
        },
      });
      expect(syncConnection.status).toBe(201);
      const syncConnectionId = (syncConnection.body as { id: string }).id;
      await queue(QueueName.Sync).pause();
      const syncRunId = await triggerSync(app, syncConnectionId);

      // A sync run of the webhook connection that finished reading and waits on two batches.
      const [ingestRun] = await env.sql<{ id: string }>(
        `INSERT INTO sync_run (connection_id, mode, trigger, status, started_at, read_finished_at,
                               batches_queued, attempts)
         VALUES ($1, 'incremental', 'manual', 'running', now(), now(), 2, 1) RETURNING id`,
        [webhookConnection],
      );
      const batchIds = [0, 1].map((b) =>
        Array.from({ length: 50 }, (_, i) => `batch-${b}-record-${i}`),
      );

      // The API looks the connection up now, so it still verifies deliveries during the outage.
      const [warmUp] = await sendCustomerWebhooks(webhookConnection, 'warm-up', 1);
      await waitForValue('the warm-up event stored', async () =>
        (await storedIds(webhookConnection, [warmUp])).length === 1 ? true : undefined,
      );

      await postgresProxy.cut();
      cut = true;
      const cutAt = Date.now();
      const events = await sendCustomerWebhooks(webhookConnection, 'during-outage', 100);
      // A connection this process has not looked up yet cannot be checked now: 503, which the
      // vendor retries, as the README promises (not a 500).
      const unchecked = await shopify.sendWebhook(
        `${app.baseUrl}/webhooks/${syncConnectionId}`,
        'customers/create',
        shopify.createCustomer({ email: 'unchecked@outage.syncline.dev' }),
        { secret: SHOPIFY_SECRET },
      );
      expect({ status: unchecked.status, body: unchecked.body }).toEqual({
        status: 503,
        body: expect.stringContaining('retry later'),
      });
      await queueIngestBatches(ingestRun.id, webhookConnection, batchIds);
      await queue(QueueName.Sync).resume();

      await sleep(OUTAGE_MS - (Date.now() - cutAt));
      // Many times the retry budget has passed: nothing gave up, everything waits.
      expect(await failedJobs()).toBe(0);
      await postgresProxy.restore();
      cut = false;

      const expectedIds = [...events, ...batchIds.flat()].sort();
      await waitForValue('everything accepted during the outage stored', async () =>
        (await storedIds(webhookConnection, expectedIds)).length === expectedIds.length
          ? true
          : undefined,
      );
      expect(await storedIds(webhookConnection, expectedIds)).toEqual(expectedIds);

      // Each record stored once: one profile each, created once and never written again.
      const changes = await env.sql<{ kind: string; profiles: number; changes: number }>(
        `SELECT c.kind, count(DISTINCT c.profile_id)::int AS profiles, count(*)::int AS changes
           FROM profile_change c JOIN source_record s ON s.profile_id = c.profile_id
          WHERE s.connection_id = $1 AND s.external_id = ANY($2)
          GROUP BY c.kind`,
        [webhookConnection, expectedIds],
      );
      expect(changes).toEqual([
        { kind: 'created', profiles: expectedIds.length, changes: expectedIds.length },
      ]);

      // The run of the batches counts each batch once and ends by itself.
      const ingested = await waitForRun(app, ingestRun.id);
      expect(ingested).toMatchObject({ status: 'succeeded', error: null });
      expect(ingested.progress).toMatchObject({ batchesDone: 2, ingested: 100 });
      expect(ingested.errors ?? []).toEqual([]);

      // The sync that could not start during the outage ran once it was over.
      const synced = await waitForRun(app, syncRunId);
      expect(synced).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
      expect(synced.progress).toMatchObject({ recordsRead: 30, ingested: 30 });

      expect(await deadLetters()).toEqual([]);
      expect(await failedJobs()).toBe(0);
    } finally {
      if (cut) await postgresProxy.restore();
      await queue(QueueName.Sync).resume();
      await syncShop.stop();
    }
  }, 120_000);
});

describe('a record the database refuses, with PostgreSQL up', () => {
  it('fails alone and reaches the dead letters after its attempts, from a webhook and from a batch', async () => {
    // A connection of its own: its dead letters are only this test's.
    const connectionId = await createShopifyConnection('Shopify (refusals)');
    const poisonCustomer = shopify.createCustomer({ email: 'poison@outage.syncline.dev' });
    const poisonIds = [String(poisonCustomer.id), 'batch-poison'];
    await env.sql(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.external_id IN (${poisonIds.map((id) => `'${id}'`).join(', ')}) THEN
          RAISE EXCEPTION 'record % refused', NEW.external_id;
        END IF;
        RETURN NEW;
      END $$`);
    await env.sql(`CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON source_record
                   FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      const sent = await shopify.sendWebhook(
        `${app.baseUrl}/webhooks/${connectionId}`,
        'customers/create',
        poisonCustomer,
        { secret: SHOPIFY_SECRET },
      );
      expect(sent.status).toBe(200);
      const [goodEvent] = await sendCustomerWebhooks(connectionId, 'good-neighbour', 1);
      await queueIngestBatches(undefined, connectionId, [
        ['batch-good-1', 'batch-poison', 'batch-good-2'],
      ]);

      const letters = await waitForValue('both refused records in the dead letters', async () => {
        const listed = await deadLetters(connectionId);
        return listed.length >= 2 ? listed : undefined;
      });
      expect(letters).toHaveLength(2);
      const byQueue = Object.fromEntries(letters.map((letter) => [letter.queue, letter]));
      expect(byQueue[QueueName.Webhooks]).toMatchObject({
        attempts: JOB_ATTEMPTS,
        error: expect.stringContaining(`record ${poisonIds[0]} refused`),
      });
      expect(byQueue[QueueName.Ingest]).toMatchObject({
        attempts: JOB_ATTEMPTS,
        error: expect.stringContaining('record batch-poison refused'),
      });
      // Their neighbours went in.
      expect(await storedIds(connectionId, [goodEvent, 'batch-good-1', 'batch-good-2'])).toEqual(
        [goodEvent, 'batch-good-1', 'batch-good-2'].sort(),
      );
      expect(await storedIds(connectionId, poisonIds)).toEqual([]);
    } finally {
      await env.sql(`DROP TRIGGER refuse_poison ON source_record`);
      await env.sql(`DROP FUNCTION refuse_poison()`);
    }
  }, 60_000);
});
