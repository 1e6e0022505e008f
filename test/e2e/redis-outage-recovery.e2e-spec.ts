import { createConnection, createServer, Server, Socket } from 'node:net';
import { loadConfig } from '../../src/config/load-config';
import { ShopifyEmulator } from '../emulators/shopify';
import { freePort } from '../support/free-port';
import { spawnTs, SpawnedProcess, waitUntilReady } from '../support/spawn-service';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForValue } from '../support/wait-for';

const SHOPIFY_TOKEN = 'shpat_ops-outage-token';
const SHOPIFY_SECRET = 'shopify-app-client-secret-ops-outage';

/**
 * A loopback proxy to a shared server that can be taken away and given back, so one Syncline
 * process sees an outage of PostgreSQL or Redis, and its end, while other test files go on.
 */
interface SwitchableProxy {
  port: number;
  /** Drops every open connection and refuses new ones, as a stopped server does. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startSwitchableProxy(host: string, port: number): Promise<SwitchableProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host, port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a worker through a Redis outage', () => {
  let env: TestEnvironment;
  let shopify: ShopifyEmulator;
  let redisProxy: SwitchableProxy;
  let api: SpawnedProcess;
  let worker: SpawnedProcess;
  let baseUrl: string;
  let connectionId: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    shopify = new ShopifyEmulator({ accessTokens: [SHOPIFY_TOKEN] });
    await shopify.start();
    const redis = new URL(env.redisUrl);
    redisProxy = await startSwitchableProxy(redis.hostname, Number(redis.port || 6379));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'api', PORT: String(port) });
    worker = spawnTs('src/main.ts', {
      ...env.env,
      SYNCLINE_ROLE: 'worker',
      LOG_LEVEL: 'info',
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    });
    await waitUntilReady(`${baseUrl}/health/ready`, api, 60_000);
    const created = await fetch(`${baseUrl}/v1/connections`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.env.ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        connector: 'shopify',
        name: 'Shopify',
        direction: 'pull',
        config: { baseUrl: shopify.apiBaseUrl() },
        credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
      }),
    });
    expect(created.status).toBe(201);
    connectionId = ((await created.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await Promise.all([api?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
    await redisProxy?.close();
    await shopify?.stop();
    await env?.teardown();
  });

  const sendCustomers = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const customer = shopify.createCustomer({
        email: `outage.${i}@ops.syncline.dev`,
        first_name: `Outage ${i}`,
      });
      const sent = await shopify.sendWebhook(
        `${baseUrl}/webhooks/${connectionId}`,
        'customers/create',
        customer,
        { secret: SHOPIFY_SECRET },
      );
      expect(sent.status).toBe(200);
    }
  };
  const storedRecords = async () =>
    (
      await env.sql<{ records: number; vendorIds: number }>(
        `SELECT count(*)::int AS records, count(DISTINCT external_id)::int AS "vendorIds"
           FROM source_record`,
      )
    )[0];

  it('relays what arrived meanwhile once Redis is back, each event once, logging the outage as JSON', async () => {
    await sendCustomers(0, 5);
    await waitForValue('the first events in the store', async () =>
      (await storedRecords()).records === 5 ? true : undefined,
    );

    redisProxy.cut();
    // The API still takes deliveries (its Redis is up): they wait in the inbox.
    await sendCustomers(5, 20);
    await sleep(5_000);
    expect((await storedRecords()).records).toBe(5);
    redisProxy.restore();

    await waitForValue('the events received during the outage', async () =>
      (await storedRecords()).records >= 25 ? true : undefined,
    );
    await sleep(1_000);
    expect(await storedRecords()).toEqual({ records: 25, vendorIds: 25 });
    expect(await env.sql('SELECT id FROM dead_letter')).toEqual([]);

    // Every line the worker wrote is a JSON log line an operator's pipeline can read.
    const lines = worker
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    const messages = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    const lost = messages.filter((line) => line.msg === 'Redis connection lost; reconnecting');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((line) => line.level === 40)).toBe(true);
    expect(messages.some((line) => line.msg === 'Redis connection restored')).toBe(true);
  });
});

describe('readiness through a PostgreSQL outage', () => {
  let env: TestEnvironment;
  let postgresProxy: SwitchableProxy;
  let app: TestApp;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const postgres = new URL(env.databaseUrl);
    postgresProxy = await startSwitchableProxy(postgres.hostname, Number(postgres.port || 5432));
    postgres.port = String(postgresProxy.port);
    app = await startTestApp(
      loadConfig({ ...env.env, SYNCLINE_ROLE: 'api', DATABASE_URL: postgres.toString() }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await postgresProxy?.close();
    await env?.teardown();
  });

  it('goes 503 naming PostgreSQL while it is away, stays live, and is ready again once it is back', async () => {
    const ready = () => app.request('GET', '/health/ready', { token: null });
    expect(
      (await waitForValue('ready', async () => ((await ready()).status === 200 ? 1 : undefined))) >
        0,
    );

    postgresProxy.cut();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      message: expect.stringMatching(/^Not ready: postgres is down/),
      details: { postgres: { status: 'down' }, redis: { status: 'up' } },
    });
    expect((await app.request('GET', '/health/live', { token: null })).status).toBe(200);

    postgresProxy.restore();
    await waitForValue('ready again', async () =>
      (await ready()).status === 200 ? true : undefined,
    );
    // And the API's own queries work again, not just the probe.
    expect((await app.request('GET', '/v1/connections')).status).toBe(200);
  });
});
