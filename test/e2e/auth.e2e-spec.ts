import { randomUUID } from 'node:crypto';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

describe('admin authentication', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let viewerToken: string;
  let routes: { method: string; path: string; template: string }[];
  let doc: OpenApiDocument;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startTestApp(env.config);
    const created = await app.request('POST', '/v1/tokens', {
      body: { name: 'viewer', role: 'viewer' },
    });
    viewerToken = (created.body as { token: string }).token;

    // Every /v1 operation of the generated document: a route added later is covered
    // without touching this test.
    doc = (await app.request('GET', '/docs-json', { token: null })).body as OpenApiDocument;
    routes = Object.entries(doc.paths)
      .filter(([template]) => template.startsWith('/v1/'))
      .flatMap(([template, operations]) =>
        Object.keys(operations)
          .filter((method) => HTTP_METHODS.includes(method))
          .map((method) => ({
            method,
            template,
            path: template.replace(/\{[^}]+\}/g, randomUUID()),
          })),
      );
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('finds the v1 routes in the OpenAPI document', () => {
    const templates = routes.map((route) => `${route.method} ${route.template}`);
    expect(templates).toEqual(
      expect.arrayContaining([
        'post /v1/tokens',
        'get /v1/connections',
        'post /v1/connections/{id}/check',
      ]),
    );
  });

  it('documents the webhook URL: deliveries (POST, no token) and URL checks (GET)', () => {
    const webhook = doc.paths['/webhooks/{connectionId}'];
    expect(Object.keys(webhook).sort()).toEqual(['get', 'post']);
    expect(webhook.post).toMatchObject({
      summary: 'Receive a vendor webhook delivery',
      responses: expect.objectContaining({ '200': expect.anything(), '401': expect.anything() }),
    });
  });

  it('answers 401 on every /v1 route without a token or with an unknown one', async () => {
    for (const route of routes) {
      const missing = await app.request(route.method.toUpperCase(), route.path, { token: null });
      const unknown = await app.request(route.method.toUpperCase(), route.path, {
        token: 'sl_not-a-real-token',
      });
      expect({ route, status: missing.status }).toEqual({ route, status: 401 });
      expect({ route, status: unknown.status }).toEqual({ route, status: 401 });
      expect(missing.body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.any(String),
      });
    }
  });

  it('answers 403 for a viewer on every write route', async () => {
    const writes = routes.filter((route) => WRITE_METHODS.has(route.method));
    expect(writes.length).toBeGreaterThan(0);
    for (const route of writes) {
      const response = await app.request(route.method.toUpperCase(), route.path, {
        token: viewerToken,
        body: {},
      });
      expect({ route, status: response.status }).toEqual({ route, status: 403 });
    }
  });

  it('lets a viewer read, but not list tokens nor read raw vendor payloads', async () => {
    expect((await app.request('GET', '/v1/connections', { token: viewerToken })).status).toBe(200);
    expect((await app.request('GET', '/v1/connectors', { token: viewerToken })).status).toBe(200);
    expect((await app.request('GET', '/v1/dead-letters', { token: viewerToken })).status).toBe(200);
    expect((await app.request('GET', '/v1/tokens', { token: viewerToken })).status).toBe(403);
    // A dead letter's payload and a profile's export hold the vendors' records as they came.
    const anyId = '7d0a3c38-1f7e-4c55-9a0e-6f1b2a3c4d5e';
    for (const path of [`/v1/dead-letters/${anyId}`, `/v1/profiles/${anyId}/export`]) {
      expect({
        path,
        status: (await app.request('GET', path, { token: viewerToken })).status,
      }).toEqual({ path, status: 403 });
    }
  });

  it('shows a token once, stores only its hash, and stops accepting it when revoked', async () => {
    const created = await app.request('POST', '/v1/tokens', {
      body: { name: 'ci', role: 'admin' },
    });
    expect(created.status).toBe(201);
    const { id, token, prefix } = created.body as { id: string; token: string; prefix: string };
    expect(token.startsWith(prefix)).toBe(true);

    const listed = await app.request('GET', '/v1/tokens');
    expect(listed.text).not.toContain(token);
    expect((listed.body as { data: { id: string }[] }).data.map((t) => t.id)).toContain(id);

    const rows = await env.sql<{ row: string }>('SELECT t::text AS row FROM api_token t');
    expect(rows.some((r) => r.row.includes(token))).toBe(false);

    expect((await app.request('GET', '/v1/connections', { token })).status).toBe(200);
    expect((await app.request('DELETE', `/v1/tokens/${id}`)).status).toBe(204);
    expect((await app.request('GET', '/v1/connections', { token })).status).toBe(401);
  });

  it('rejects a token request that names no valid role', async () => {
    const response = await app.request('POST', '/v1/tokens', {
      body: { name: 'x', role: 'owner' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((response.body as { message: string }).message).toMatch(/^role: /);
  });

  it.each([
    ['only spaces', '   ', 'name must not be blank'],
    ['an unpaired surrogate', 'ci \ud800', 'name contains an unpaired UTF-16 surrogate'],
  ])('rejects a token name of %s, naming it', async (_, name, message) => {
    const response = await app.request('POST', '/v1/tokens', { body: { name, role: 'viewer' } });
    expect(response.status).toBe(400);
    expect((response.body as { message: string }).message).toContain(message);
  });

  it('keeps the health, metrics and docs routes open', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json']) {
      expect({ path, status: (await app.request('GET', path, { token: null })).status }).toEqual({
        path,
        status: 200,
      });
    }
  });

  it('puts the queue dashboard behind an admin token (bearer or basic)', async () => {
    expect((await app.request('GET', '/admin/queues', { token: null })).status).toBe(401);
    expect((await app.request('GET', '/admin/queues', { token: viewerToken })).status).toBe(401);
    const basic = Buffer.from(`admin:${app.adminToken}`).toString('base64');
    const page = await app.request('GET', '/admin/queues', {
      token: null,
      headers: { authorization: `Basic ${basic}` },
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const queues = await app.request('GET', '/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    expect(queues.text).toContain('ingest');
  });
});
