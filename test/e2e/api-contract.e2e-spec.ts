/**
 * What an admin (or an admin's script) meets at the edges of the REST contract: schedules and
 * text the store cannot keep are refused by name, and the OpenAPI document lists every status
 * the routes really answer.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { scheduleId } from '../../src/sync/sync-jobs';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: { field: string; message: string }[];
}

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  security?: unknown[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }> };
}

const HTTP_METHODS = ['get', 'post', 'patch', 'delete'];

let env: TestEnvironment;
let app: TestApp;

beforeAll(async () => {
  env = await createTestEnvironment();
  app = await startTestApp(env.config);
});

afterAll(async () => {
  await app?.close();
  await env?.teardown();
});

/** A HubSpot connection body pointing at a closed port: nothing here reaches a vendor. */
const connection = (overrides: Record<string, unknown> = {}) => ({
  connector: 'hubspot',
  name: `qa ${randomUUID()}`,
  config: { baseUrl: 'http://127.0.0.1:9' },
  credentials: { accessToken: 'pat-qa' },
  direction: 'pull',
  ...overrides,
});

const fields = (body: unknown) => ((body as ErrorBody).errors ?? []).map((e) => e.field);

describe('sync schedules', () => {
  it.each([
    ['a day over a year', '366d'],
    ['8.64e22 ms, which BullMQ ran every 8 ms', '999999999999d'],
    ['Infinity ms, which BullMQ never ran', `${'9'.repeat(400)}s`],
  ])('refuses an interval of %s with a 400 naming schedule', async (_, schedule) => {
    const created = await app.request('POST', '/v1/connections', {
      body: connection({ schedule }),
    });
    expect(created.status).toBe(400);
    expect(fields(created.body)).toEqual(['schedule']);
    expect((created.body as ErrorBody).message).toContain('at most 365d');

    const existing = await app.request('POST', '/v1/connections', { body: connection() });
    const id = (existing.body as { id: string }).id;
    const patched = await app.request('PATCH', `/v1/connections/${id}`, { body: { schedule } });
    expect(patched.status).toBe(400);
    expect(fields(patched.body)).toEqual(['schedule']);
    expect((await app.request('GET', `/v1/connections/${id}`)).body).toMatchObject({
      schedule: null,
    });
  });

  it('schedules the longest interval it accepts as exactly that', async () => {
    const created = await app.request('POST', '/v1/connections', {
      body: connection({ schedule: '365d', enabled: true }),
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const queue = new Queue('sync', {
      connection: { url: env.redisUrl },
      prefix: env.queuePrefix,
    });
    try {
      const scheduler = await queue.getJobScheduler(scheduleId(id));
      expect(Number(scheduler?.every)).toBe(365 * 86_400_000);
    } finally {
      await queue.close();
      // Its first tick runs at once: stop it retrying against the closed port.
      await app.request('DELETE', `/v1/connections/${id}`);
    }
  });
});

describe('text the store cannot keep', () => {
  const LONE_HIGH = '\ud800';
  const LONE_LOW = '\udfff';

  it.each([
    [
      'a mapping constant',
      { mapping: { tier: { const: `gold${LONE_HIGH}` } } },
      'mapping.tier.const',
    ],
    ['a mapping field', { mapping: { [`fax${LONE_LOW}`]: 'phone' } }, 'mapping'],
    ['the name', { name: `qa ${LONE_HIGH} name` }, 'name'],
  ])(
    'answers 400 naming the field for an unpaired surrogate in %s, not a 500',
    async (_, overrides, field) => {
      const response = await app.request('POST', '/v1/connections', {
        body: connection(overrides),
      });
      expect(response.status).toBe(400);
      expect(fields(response.body)).toContain(field);
      expect((response.body as ErrorBody).message).toContain('surrogate');
    },
  );

  it('refuses it on PATCH too, leaving the connection as it was', async () => {
    const created = await app.request('POST', '/v1/connections', {
      body: connection({ mapping: { tier: { const: 'gold' } } }),
    });
    const id = (created.body as { id: string }).id;
    const patched = await app.request('PATCH', `/v1/connections/${id}`, {
      body: { mapping: { tier: { const: LONE_LOW } } },
    });
    expect(patched.status).toBe(400);
    expect(fields(patched.body)).toEqual(['mapping.tier.const']);
    expect((await app.request('GET', `/v1/connections/${id}`)).body).toMatchObject({
      mapping: { tier: { const: 'gold' } },
    });
  });

  it('keeps emoji (paired surrogates) as given', async () => {
    const name = `qa 😀 ${randomUUID()}`;
    const created = await app.request('POST', '/v1/connections', {
      body: connection({ name, mapping: { tier: { const: '🥇' } } }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, mapping: { tier: { const: '🥇' } } });
  });
});

describe('the OpenAPI document matches what the routes answer', () => {
  let doc: OpenApiDocument;
  let operations: { method: string; template: string; operation: Operation }[];

  beforeAll(async () => {
    doc = (await app.request('GET', '/docs-json', { token: null })).body as OpenApiDocument;
    operations = Object.entries(doc.paths)
      .filter(([template]) => template.startsWith('/v1/'))
      .flatMap(([template, item]) =>
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.includes(method))
          .map(([method, operation]) => ({ method, template, operation })),
      );
  });

  const documented = (operation: Operation, status: number) =>
    Object.keys(operation.responses).includes(String(status));

  it('documents the 400 of every route taking a malformed id, a bad limit or an unknown field', async () => {
    const observed: { route: string; status: number; documented: boolean }[] = [];
    for (const { method, template, operation } of operations) {
      const route = `${method} ${template}`;
      const hasPathId = /\{[^}]+\}/.test(template);
      const probes: { path: string; body?: unknown }[] = [];
      if (hasPathId) probes.push({ path: template.replace(/\{[^}]+\}/g, 'not-a-uuid') });
      const withIds = template.replace(/\{[^}]+\}/g, randomUUID());
      if (operation.parameters?.some((p) => p.in === 'query' && p.name === 'limit')) {
        probes.push({ path: `${withIds}?limit=0` });
      }
      if (operation.requestBody) probes.push({ path: withIds, body: { notAField: 1 } });
      for (const probe of probes) {
        const response = await app.request(method.toUpperCase(), probe.path, {
          body: probe.body,
        });
        observed.push({
          route,
          status: response.status,
          documented: documented(operation, response.status),
        });
      }
    }
    expect(observed.length).toBeGreaterThan(20);
    expect(observed.filter((o) => o.status !== 400)).toEqual([]);
    expect(observed.filter((o) => !o.documented)).toEqual([]);
  });

  it('documents the 409 of a connection name already taken, on create and on rename', async () => {
    const name = `taken ${randomUUID()}`;
    expect(
      (await app.request('POST', '/v1/connections', { body: connection({ name }) })).status,
    ).toBe(201);
    const duplicate = await app.request('POST', '/v1/connections', { body: connection({ name }) });
    expect(duplicate.status).toBe(409);
    expect(documented(doc.paths['/v1/connections'].post, 409)).toBe(true);

    const other = await app.request('POST', '/v1/connections', { body: connection() });
    const renamed = await app.request(
      'PATCH',
      `/v1/connections/${(other.body as { id: string }).id}`,
      {
        body: { name },
      },
    );
    expect(renamed.status).toBe(409);
    expect(documented(doc.paths['/v1/connections/{id}'].patch, 409)).toBe(true);
  });

  it('documents the 404 of revoking a token that does not exist', async () => {
    expect((await app.request('DELETE', `/v1/tokens/${randomUUID()}`)).status).toBe(404);
    expect(documented(doc.paths['/v1/tokens/{id}'].delete, 404)).toBe(true);
  });

  it('describes every error answer with the body the API sends', async () => {
    const schema = doc.components.schemas.ErrorBody;
    expect(schema.required).toEqual(['statusCode', 'error', 'message']);
    for (const { method, template, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect({
          route: `${method} ${template}`,
          status,
          ref: response.content?.['application/json']?.schema.$ref,
        }).toEqual({
          route: `${method} ${template}`,
          status,
          ref: '#/components/schemas/ErrorBody',
        });
      }
    }
    const invalid = await app.request('GET', '/v1/connections?limit=0');
    expect(invalid.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('limit'),
      code: 'INVALID_INPUT',
      errors: [{ field: 'limit', message: expect.any(String) }],
    });
  });

  it('asks for the bearer token once per operation', () => {
    for (const { method, template, operation } of operations) {
      expect({ route: `${method} ${template}`, security: operation.security }).toEqual({
        route: `${method} ${template}`,
        security: [{ bearer: [] }],
      });
    }
  });
});
