/**
 * AxiosHttpClient against a real HTTP emulator on loopback and the real Redis.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import {
  AxiosHttpClient,
  type AxiosHttpClientOptions,
} from '../../../src/connector-sdk/http-client';
import { RedisRateLimiter } from '../../../src/connector-sdk/rate-limiter';
import { ForeignOriginError, HttpRequestError } from '../../../src/connector-sdk/errors';
import { EmulatorServer, maxRequestsInWindow } from '../../emulators/common';
import { RollingWindow } from '../../emulators/hubspot/rolling-window';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-http-client-${randomUUID()}`;
const TOKEN = 'super-secret-token-123';

let emulator: EmulatorServer;
let baseUrl: string;
/** When set, the emulator answers 429 beyond this rolling budget (a strict vendor). */
let vendorWindow: RollingWindow | undefined;
const redisClients: Redis[] = [];

function redis(): Redis {
  const client = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  redisClients.push(client);
  return client;
}

function client(options: Partial<AxiosHttpClientOptions> = {}): AxiosHttpClient {
  return new AxiosHttpClient(
    { baseUrl: `${baseUrl}/api/v1`, headers: { authorization: `Bearer ${TOKEN}` } },
    { rateLimitKey: 'conn-1', backoff: { baseMs: 10, capMs: 50 }, timeoutMs: 2000, ...options },
  );
}

beforeAll(async () => {
  emulator = new EmulatorServer((request) => {
    if (vendorWindow && !vendorWindow.tryHit(Date.now())) {
      return { status: 429, body: { message: 'slow down' } };
    }
    if (request.path.endsWith('/missing')) return { status: 404, body: { message: 'not here' } };
    return {
      status: 200,
      headers: { 'X-Custom-Header': 'Yes' },
      body: { ok: true, path: request.path, query: request.query, body: request.body ?? null },
    };
  });
  baseUrl = await emulator.start();
});

afterEach(() => {
  emulator.clearRequests();
  emulator.clearFaults();
  vendorWindow = undefined;
});

afterAll(async () => {
  await emulator.stop();
  const cleaner = redis();
  const keys = await cleaner.keys(`${prefix}:*`);
  if (keys.length > 0) await cleaner.del(...keys);
  await Promise.all(redisClients.map((c) => c.quit()));
});

describe('AxiosHttpClient', () => {
  it('joins base URL and path, sends query, JSON body and auth, and lower-cases response headers', async () => {
    const response = await client().request<{ path: string; query: unknown; body: unknown }>({
      method: 'POST',
      path: '/contacts/search',
      query: { limit: 5, archived: false, skipped: undefined },
      body: { q: 'ann' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-custom-header']).toBe('Yes');
    expect(response.data).toEqual({
      ok: true,
      path: '/api/v1/contacts/search',
      query: { limit: '5', archived: 'false' },
      body: { q: 'ann' },
    });
    const [recorded] = emulator.requests();
    expect(recorded.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(recorded.headers['content-type']).toContain('application/json');
  });

  it('follows absolute pagination links on the same origin, and refuses other origins', async () => {
    const response = await client().request<{ path: string; query: unknown }>({
      path: `${baseUrl}/api/v1/contacts?after=abc`,
    });
    expect(response.data.path).toBe('/api/v1/contacts');
    expect(response.data.query).toEqual({ after: 'abc' });
    await expect(
      client().request({ path: 'https://evil.example.com/steal' }),
    ).rejects.toBeInstanceOf(ForeignOriginError);
    expect(emulator.requests()).toHaveLength(1);
  });

  it('honours Retry-After: the retry comes at least 1 s later and the call succeeds', async () => {
    emulator.injectFault({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { message: 'wait' },
    });
    const response = await client().request({ path: '/contacts' });
    expect(response.status).toBe(200);
    const [first, second] = emulator.requests();
    expect(emulator.requests()).toHaveLength(2);
    expect(first.status).toBe(429);
    expect(second.status).toBe(200);
    // Backoff alone would wait at most 50 ms here.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('uses the connector hint when there is no Retry-After', async () => {
    const hinted = new AxiosHttpClient(
      { baseUrl, retryDelayMs: ({ status }) => (status === 429 ? 400 : undefined) },
      { rateLimitKey: 'conn-1', backoff: { baseMs: 1, capMs: 5 } },
    );
    emulator.injectFault({ status: 429, body: { message: 'wait' } });
    await hinted.request({ path: '/x' });
    const [first, second] = emulator.requests();
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(400);
  });

  it('retries 5xx responses with backoff, then succeeds', async () => {
    emulator.injectFault({ status: 503, body: 'unavailable', times: 2 });
    const response = await client().request({ path: '/contacts' });
    expect(response.status).toBe(200);
    expect(emulator.requests().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('does not retry a 400 and throws a typed error without secrets', async () => {
    emulator.injectFault({ status: 400, body: { message: 'Property "foo" does not exist' } });
    const error = await client()
      .request({ path: '/contacts', query: { hapikey: 'query-secret' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    const httpError = error as HttpRequestError;
    expect(httpError.status).toBe(400);
    expect(httpError.retryable).toBe(false);
    expect(httpError.vendorMessage).toBe('Property "foo" does not exist');
    expect(emulator.requests()).toHaveLength(1);
    const serialised = `${httpError.message} ${JSON.stringify(httpError)} ${httpError.stack}`;
    expect(serialised).not.toContain(TOKEN);
    expect(serialised).not.toContain('query-secret');
  });

  it('returns accepted statuses to the caller', async () => {
    const response = await client().request({ path: '/missing', acceptStatuses: [404] });
    expect(response.status).toBe(404);
    expect(response.data).toEqual({ message: 'not here' });
  });

  it('retries a timeout and succeeds when the vendor recovers', async () => {
    emulator.injectFault({ delayMs: 500 });
    const response = await client({ timeoutMs: 150 }).request({ path: '/slow' });
    expect(response.status).toBe(200);
    expect(emulator.requests()).toHaveLength(2);
  });

  it('never sends a request marked not idempotent again once it may have taken effect; a 429 it does', async () => {
    const once = (options: Partial<AxiosHttpClientOptions> = {}) =>
      client(options)
        .request({ method: 'POST', path: '/orders', body: { n: 1 }, idempotent: false })
        .catch((e: unknown) => e as HttpRequestError);

    // Carried out after our side gave up waiting.
    emulator.injectFault({ delayMs: 500 });
    const timedOut = await once({ timeoutMs: 150 });
    expect(timedOut).toBeInstanceOf(HttpRequestError);
    expect(timedOut).toMatchObject({ retryable: true, attempts: 1, status: undefined });
    expect(emulator.requests()).toHaveLength(1);

    emulator.clearRequests();
    emulator.injectFault({ status: 503, body: 'unavailable' });
    const unavailable = await once();
    expect(unavailable).toMatchObject({ retryable: true, attempts: 1, status: 503 });
    expect(emulator.requests()).toHaveLength(1);

    emulator.clearRequests();
    emulator.injectFault({ status: 429, headers: { 'Retry-After': '0' } });
    const limited = await client().request({
      method: 'POST',
      path: '/orders',
      body: { n: 1 },
      idempotent: false,
    });
    expect(limited.status).toBe(200);
    expect(emulator.requests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('gives up on connection errors after maxRetries with a retryable error', async () => {
    const port = await closedPort();
    const unreachable = new AxiosHttpClient(
      { baseUrl: `http://127.0.0.1:${port}` },
      { rateLimitKey: 'conn-1', maxRetries: 2, backoff: { baseMs: 1, capMs: 5 } },
    );
    const error = (await unreachable
      .request({ path: '/' })
      .catch((e: unknown) => e)) as HttpRequestError;
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error.networkCode).toBe('ECONNREFUSED');
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(3);
  });

  it('shares one rate budget between clients on separate Redis connections', async () => {
    const budget = { requests: 10, intervalMs: 1000 };
    // The vendor allows the same budget, minus 50 ms for loopback jitter between our grant
    // and the request's arrival.
    vendorWindow = new RollingWindow(10, 950);
    const shared = (key: string) =>
      client({
        rateLimiter: new RedisRateLimiter(redis(), { prefix }),
        rateLimit: budget,
        rateLimitKey: key,
      });
    const a = shared('conn-shared');
    const b = shared('conn-shared');

    const started = Date.now();
    const burst = (c: AxiosHttpClient) =>
      Array.from({ length: 15 }, () => c.request({ path: '/contacts' }));
    const results = await Promise.all([...burst(a), ...burst(b)]);
    const sharedElapsed = Date.now() - started;

    expect(results.every((r) => r.status === 200)).toBe(true);
    const recorded = emulator.requests();
    expect(recorded).toHaveLength(30);
    expect(recorded.filter((r) => r.status === 429)).toHaveLength(0);
    expect(
      maxRequestsInWindow(
        recorded.map((r) => r.receivedAt),
        950,
      ),
    ).toBeLessThanOrEqual(10);
    // 30 requests at 10/s: the third batch cannot start before 2 s.
    expect(sharedElapsed).toBeGreaterThanOrEqual(1900);

    // Control: distinct connection ids have independent budgets, so the same load is faster.
    vendorWindow = undefined;
    emulator.clearRequests();
    const controlStarted = Date.now();
    await Promise.all([...burst(shared('conn-a')), ...burst(shared('conn-b'))]);
    const controlElapsed = Date.now() - controlStarted;
    expect(controlElapsed).toBeLessThan(sharedElapsed - 500);
    expect(
      maxRequestsInWindow(
        emulator.requests().map((r) => r.receivedAt),
        950,
      ),
    ).toBeGreaterThan(10);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
