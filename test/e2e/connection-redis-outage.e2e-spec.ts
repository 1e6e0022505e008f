/**
 * Connection edits are stored in PostgreSQL; following them in Redis (the sync schedule) is
 * catch-up work. A Redis outage must not hang the admin API on them.
 */
import { writeFixtureConnectors, FixtureConnectors } from '../fixtures/fixture-connectors';
import { startApiBehindRedisProxy } from '../support/redis-proxied-app';
import type { TcpProxy } from '../support/tcp-proxy';
import type { TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

describe('connection edits while Redis is down', () => {
  let fixtures: FixtureConnectors;
  let env: TestEnvironment;
  let redisProxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    fixtures = writeFixtureConnectors();
    env = await createTestEnvironment({ env: { CONNECTORS_DIR: fixtures.dir } });
    ({ app, redisProxy } = await startApiBehindRedisProxy(env));
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
    fixtures?.remove();
  });

  it('answers create, update and delete, and stores them', async () => {
    await redisProxy.cut();
    const started = Date.now();
    const created = await app.request('POST', '/v1/connections', {
      body: {
        connector: 'fixture-list',
        name: 'during the outage',
        config: {},
        credentials: {},
        direction: 'pull',
        schedule: '15m',
      },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const updated = await app.request('PATCH', `/v1/connections/${id}`, {
      body: { schedule: '30m' },
    });
    expect(updated.status).toBe(200);
    expect((await app.request('DELETE', `/v1/connections/${id}`)).status).toBe(204);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await env.sql('SELECT id FROM connection WHERE id = $1', [id])).toEqual([]);
  }, 30_000);
});
