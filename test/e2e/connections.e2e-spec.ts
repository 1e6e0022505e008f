import { HubspotEmulator } from '../emulators/hubspot';
import { freePort } from '../support/free-port';
import { spawnTs, SpawnedProcess, waitForLogLines, waitUntilReady } from '../support/spawn-service';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

interface ConnectionBody {
  id: string;
  credentials: Record<string, { set: boolean }>;
  [key: string]: unknown;
}

/**
 * Drives a real Syncline process (as an operator starts it, logging at trace level) so the
 * test can check its whole log output for secrets, not just the API responses.
 */
describe('connections API', () => {
  const ACCESS_TOKEN = 'pat-na1-5ecret-access-t0ken-0123456789';
  const CLIENT_SECRET = 'client-5ecret-abcdefghijklmnopqrstuvwxyz';
  let env: TestEnvironment;
  let hubspot: HubspotEmulator;
  let service: SpawnedProcess;
  let baseUrl: string;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
    token = env.config.adminToken,
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };

  const createHubspot = (overrides: Record<string, unknown> = {}) =>
    api('POST', '/v1/connections', {
      connector: 'hubspot',
      name: `HubSpot ${Math.random()}`,
      config: { baseUrl: hubspot.baseUrl },
      credentials: { accessToken: ACCESS_TOKEN, clientSecret: CLIENT_SECRET },
      direction: 'pull',
      schedule: '*/15 * * * *',
      ...overrides,
    });

  beforeAll(async () => {
    env = await createTestEnvironment();
    hubspot = new HubspotEmulator({ accessTokens: [ACCESS_TOKEN] });
    await hubspot.start();
    hubspot.seedContacts(3);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = spawnTs('src/main.ts', { ...env.env, PORT: String(port), LOG_LEVEL: 'trace' });
    await waitUntilReady(`${baseUrl}/health/ready`, service);
  });

  afterAll(async () => {
    await service?.stop();
    await hubspot?.stop();
    await env?.teardown();
  });

  it('lists the HubSpot connector with its schemas, secrets marked', async () => {
    const catalog = await api('GET', '/v1/connectors');
    const hubspotEntry = (catalog.body.data as { name: string; credentialsSchema: unknown }[]).find(
      (c) => c.name === 'hubspot',
    );
    expect(hubspotEntry?.credentialsSchema).toMatchObject({
      properties: { accessToken: { 'x-secret': true }, clientSecret: { 'x-secret': true } },
    });
  });

  it('creates a connection, shows which credentials are set, and never returns them', async () => {
    const created = await createHubspot({ priority: 5, mapping: { mobilephone: 'phone' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      connector: 'hubspot',
      config: { baseUrl: hubspot.baseUrl },
      credentials: { accessToken: { set: true }, clientSecret: { set: true } },
      direction: 'pull',
      schedule: '*/15 * * * *',
      enabled: true,
      priority: 5,
      mapping: { mobilephone: 'phone' },
    });
    const id = (created.body as unknown as ConnectionBody).id;
    for (const response of [
      created,
      await api('GET', `/v1/connections/${id}`),
      await api('GET', '/v1/connections'),
    ]) {
      expect(response.text).not.toContain(ACCESS_TOKEN);
      expect(response.text).not.toContain(CLIENT_SECRET);
    }
  });

  it('stores credentials encrypted: the plain secret is in no column of any table', async () => {
    await createHubspot();
    const tables = await env.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toContain('connection');
    for (const { table_name } of tables) {
      const rows = await env.sql<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows) {
        expect(row).not.toContain(ACCESS_TOKEN);
        expect(row).not.toContain(CLIENT_SECRET);
      }
    }
    const [stored] = await env.sql<{ credentials: Record<string, string> }>(
      'SELECT credentials FROM connection LIMIT 1',
    );
    expect(stored.credentials.accessToken).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('answers 400 naming every bad field', async () => {
    const response = await createHubspot({
      config: { baseUrl: 'not a url', region: 'eu' },
      credentials: { clientSecret: 'x' },
      schedule: 'every now and then',
      direction: 'sideways',
    });
    expect(response.status).toBe(400);
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['direction']));
    const message = response.body.message as string;
    expect(message).toContain('direction');

    const schemaErrors = await createHubspot({
      config: { baseUrl: 'not a url', region: 'eu' },
      credentials: { clientSecret: 'x' },
      schedule: 'every now and then',
    });
    expect(schemaErrors.status).toBe(400);
    expect((schemaErrors.body.errors as { field: string }[]).map((e) => e.field)).toEqual(
      expect.arrayContaining([
        'config.baseUrl',
        'config.region',
        'credentials.accessToken',
        'schedule',
      ]),
    );
  });

  it('rejects an unknown connector by name', async () => {
    const response = await createHubspot({ connector: 'myspace' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^connector: unknown connector "myspace"/);
  });

  it('checks credentials against the vendor', async () => {
    const good = (await createHubspot()).body as unknown as ConnectionBody;
    expect(await api('POST', `/v1/connections/${good.id}/check`)).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    const bad = (await createHubspot({ credentials: { accessToken: 'revoked-token' } }))
      .body as unknown as ConnectionBody;
    const result = await api('POST', `/v1/connections/${bad.id}/check`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      ok: false,
      message: expect.stringContaining('access token'),
    });
    expect(result.text).not.toContain('revoked-token');
  });

  it('merges credential updates, replaces other fields, and deletes', async () => {
    const created = (await createHubspot()).body as unknown as ConnectionBody;
    const patched = await api('PATCH', `/v1/connections/${created.id}`, {
      credentials: { clientSecret: null },
      schedule: '30m',
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      credentials: { accessToken: { set: true }, clientSecret: { set: false } },
      schedule: '30m',
      enabled: false,
    });
    // The access token survived the merge: the check still authenticates.
    expect((await api('POST', `/v1/connections/${created.id}/check`)).body).toMatchObject({
      ok: true,
    });

    const removedRequired = await api('PATCH', `/v1/connections/${created.id}`, {
      credentials: { accessToken: null },
    });
    expect(removedRequired.status).toBe(400);
    expect(removedRequired.body.message).toContain('credentials.accessToken');

    expect((await api('DELETE', `/v1/connections/${created.id}`)).status).toBe(204);
    expect((await api('GET', `/v1/connections/${created.id}`)).status).toBe(404);
  });

  it('pages through connections with a cursor, each once, oldest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/v1/connections?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const c of page.body.data as { id: string }[]) seen.push(c.id);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const stored = await env.sql<{ id: string }>(
      'SELECT id FROM connection ORDER BY created_at, id',
    );
    expect(seen).toEqual(stored.map((row) => row.id));
  });

  it('logs each webhook delivery once, with its request id and status, and no signature', async () => {
    const created = (await createHubspot()).body as unknown as ConnectionBody;
    const requestId = `delivery-${Math.random().toString(36).slice(2)}`;
    const signature = 'forged-signature-value-0123456789';
    const delivery = await fetch(`${baseUrl}/webhooks/${created.id}?token=url-secret`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(Date.now()),
      },
      body: '[]',
    });
    expect(delivery.status).toBe(401);
    const lines = await waitForLogLines(service, requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'webhook delivery answered',
      service: 'syncline',
      requestId,
      method: 'POST',
      path: `/webhooks/${created.id}`,
      statusCode: 401,
    });
    expect(service.output()).not.toContain(signature);
    expect(service.output()).not.toContain('url-secret');
  });

  it('writes no request line for health probes and metric scrapes', async () => {
    const probe = `probe-${Math.random().toString(36).slice(2)}`;
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-request-id': probe } });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
    // A request that is logged, to know the log has caught up.
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    await fetch(`${baseUrl}/v1/connections`, { headers: { 'x-request-id': marker } });
    expect(await waitForLogLines(service, marker)).not.toEqual([]);
    expect(service.output()).not.toContain(probe);
  });

  it('never wrote a secret to its logs (trace level, every request above)', () => {
    const output = service.output();
    expect(output).toContain('"requestId"');
    expect(output).not.toContain(ACCESS_TOKEN);
    expect(output).not.toContain(CLIENT_SECRET);
    expect(output).not.toContain(env.config.adminToken);
  });
});
