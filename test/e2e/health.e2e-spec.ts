import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startApiBehindRedisProxy } from '../support/redis-proxied-app';
import type { TcpProxy } from '../support/tcp-proxy';
import type { TestApp } from '../support/test-app';

describe('health and metrics', () => {
  let env: TestEnvironment;
  let redisProxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    env = await createTestEnvironment();
    ({ app, redisProxy } = await startApiBehindRedisProxy(env));
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('is live and ready while PostgreSQL and Redis answer', async () => {
    expect((await app.request('GET', '/health/live', { token: null })).status).toBe(200);
    // The shared machine can be slow right after start-up: give the first probe a moment.
    let ready = await app.request('GET', '/health/ready', { token: null });
    for (let attempt = 0; ready.status !== 200 && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ready = await app.request('GET', '/health/ready', { token: null });
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it("gives every request an id, unique across processes, or keeps the proxy's", async () => {
    const first = await app.request('GET', '/health/live', { token: null });
    const second = await app.request('GET', '/health/live', { token: null });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(first.headers.get('x-request-id')).toMatch(uuid);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    const proxied = await app.request('GET', '/health/live', {
      token: null,
      headers: { 'x-request-id': 'edge-7f3a.42' },
    });
    expect(proxied.headers.get('x-request-id')).toBe('edge-7f3a.42');
  });

  it('exposes HTTP durations, queue and inbox depths and job outcomes in Prometheus format', async () => {
    await app.request('GET', '/v1/connectors');
    const metrics = await app.request('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(
      /syncline_http_request_duration_seconds_count\{method="GET",route="\/v1\/connectors",status_code="200"\} 1/,
    );
    for (const queue of ['sync', 'webhooks', 'ingest', 'outbound']) {
      expect(metrics.text).toContain(`syncline_queue_jobs{queue="${queue}",state="waiting"} 0`);
      expect(metrics.text).toContain(
        `syncline_queue_job_outcomes_total{queue="${queue}",outcome="failed"} 0`,
      );
    }
    expect(metrics.text).toMatch(/^syncline_webhook_inbox_entries 0$/m);
    expect(metrics.text).toMatch(/^syncline_metrics_redis_up 1$/m);
  });

  it('goes 503 naming Redis when Redis becomes unreachable, while staying live', async () => {
    await redisProxy.cut();
    const ready = await app.request('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/^Not ready: redis is down \(.+\)$/),
      details: { postgres: { status: 'up' }, redis: { status: 'down' } },
    });
    expect((await app.request('GET', '/health/live', { token: null })).status).toBe(200);
  });

  // An outage is when an operator needs the metrics most; the Redis client would queue the
  // scrape's commands until Redis came back.
  it('keeps /metrics answering while Redis is unreachable, without stale queue depths', async () => {
    await redisProxy.cut();
    const startedAt = Date.now();
    const during = await Promise.race([
      app.request('GET', '/metrics', { token: null }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('/metrics did not answer within 5 s')), 5_000),
      ),
    ]);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(during.status).toBe(200);
    expect(during.text).toMatch(/^syncline_metrics_redis_up 0$/m);
    expect(during.text).toMatch(/^syncline_process_cpu_seconds_total /m);
    expect(during.text).toContain(
      'syncline_http_request_duration_seconds_count{method="GET",route="/metrics"',
    );
    expect(during.text).not.toContain('syncline_queue_jobs{');
    expect(during.text).not.toMatch(/^syncline_webhook_inbox_entries \d/m);
  });
});
