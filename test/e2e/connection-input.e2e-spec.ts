/**
 * Connection input PostgreSQL cannot store, or a worker must never interpret as a path into
 * an object's prototype, is refused with a 400 naming the field rather than a 500.
 */
import { ConnectionRepository } from '../../src/connections/connection.repository';
import { writeFixtureConnectors, FixtureConnectors } from '../fixtures/fixture-connectors';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const NUL = String.fromCharCode(0);

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; message: string }[];
}

describe('connection input', () => {
  let fixtures: FixtureConnectors;
  let env: TestEnvironment;
  let app: TestApp;

  beforeAll(async () => {
    fixtures = writeFixtureConnectors();
    env = await createTestEnvironment({ env: { CONNECTORS_DIR: fixtures.dir } });
    app = await startTestApp(env.config);
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
    fixtures?.remove();
  });

  describe('the store cannot hold', () => {
    const body = (overrides: Record<string, unknown> = {}) => ({
      connector: 'fixture-list',
      name: `input ${Math.random().toString(36).slice(2)}`,
      config: { records: [] },
      credentials: {},
      direction: 'pull',
      ...overrides,
    });

    const fields = (response: { body: unknown }) =>
      ((response.body as ErrorBody).errors ?? []).map((error) => error.field);

    it.each([
      ['name', { name: `bad${NUL}name` }, 'name'],
      [
        'a config value',
        { config: { records: [{ id: 1, email: `a${NUL}@x.io` }] } },
        'config.records[0].email',
      ],
      ['a config key', { config: { records: [{ [`i${NUL}d`]: 1 }] } }, 'config.records[0]'],
      ['a mapping field', { mapping: { [`fa${NUL}x`]: 'phone' } }, 'mapping'],
      ['a credential name', { credentials: { [`key${NUL}`]: 'secret' } }, 'credentials'],
      ['a credential value', { credentials: { token: `se${NUL}cret` } }, 'credentials.token'],
      ['a mapping constant', { mapping: { tier: { const: `g${NUL}` } } }, 'mapping.tier.const'],
    ])(
      'refuses a NUL character in %s on create with a 400 naming it',
      async (_, overrides, field) => {
        const response = await app.request('POST', '/v1/connections', { body: body(overrides) });
        expect(response.status).toBe(400);
        expect(fields(response)).toContain(field);
        expect((response.body as ErrorBody).message).toContain('U+0000');
      },
    );

    it('refuses a credential value with an unpaired surrogate, naming the field but not the value', async () => {
      const response = await app.request('POST', '/v1/connections', {
        body: body({ credentials: { token: 'se\ud800cret-value' } }),
      });
      expect(response.status).toBe(400);
      expect(fields(response)).toEqual(['credentials.token']);
      expect(response.text).not.toContain('cret-value');
    });

    it('refuses a name of only spaces, on create and on update', async () => {
      const created = await app.request('POST', '/v1/connections', { body: body({ name: '   ' }) });
      expect(created.status).toBe(400);
      expect((created.body as ErrorBody).message).toContain('name must not be blank');
      const ok = await app.request('POST', '/v1/connections', { body: body() });
      const renamed = await app.request(
        'PATCH',
        `/v1/connections/${(ok.body as { id: string }).id}`,
        {
          body: { name: ' \t ' },
        },
      );
      expect(renamed.status).toBe(400);
      expect(fields(renamed)).toEqual(['name']);
    });

    it('refuses a NUL character in a token name with a 400 naming it', async () => {
      const response = await app.request('POST', '/v1/tokens', {
        body: { name: `ci${NUL}`, role: 'viewer' },
      });
      expect(response.status).toBe(400);
      expect((response.body as ErrorBody).message).toContain('U+0000');
    });

    it('refuses a NUL character on update too, leaving the connection as it was', async () => {
      const created = await app.request('POST', '/v1/connections', { body: body() });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;

      const renamed = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { name: `x${NUL}`, config: { records: [`r${NUL}`] } },
      });
      expect(renamed.status).toBe(400);
      expect(fields(renamed)).toEqual(expect.arrayContaining(['name', 'config.records[0]']));

      const stored = await app.request('GET', `/v1/connections/${id}`);
      expect(stored.body).toMatchObject({ config: { records: [] } });
    });
  });

  describe('connection mappings that name prototype paths', () => {
    it.each([
      ['__proto__.polluted', 'email'],
      ['constructor.prototype', 'email'],
      ['address.__proto__', 'email'],
      ['nickname', 'custom.__proto__.x'],
      ['nickname', 'custom.constructor'],
    ])('refuses vendor field %j mapped to %j with a 400 naming it', async (vendorField, rule) => {
      // Written as raw JSON: an object literal's `__proto__` key would set the prototype instead.
      const raw =
        `{"connector":"fixture-list","name":"proto ${Math.random()}","config":{},"credentials":{},` +
        `"direction":"both","mapping":{${JSON.stringify(vendorField)}:${JSON.stringify(rule)}}}`;
      const response = await app.request('POST', '/v1/connections', { body: raw });
      expect(response.status).toBe(400);
      expect((response.body as ErrorBody).errors).toEqual([
        { field: `mapping.${vendorField}`, message: expect.stringContaining('__proto__') },
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('PATCH null on a field that cannot be empty', () => {
    let id: string;

    beforeAll(async () => {
      const created = await app.request('POST', '/v1/connections', {
        body: {
          connector: 'fixture-list',
          name: 'nullable check',
          config: {},
          credentials: {},
          direction: 'pull',
          schedule: '15m',
          priority: 5,
        },
      });
      id = (created.body as { id: string }).id;
    });

    it.each(['name', 'direction', 'enabled', 'propagateErase', 'config', 'mapping'])(
      'answers 400 naming %s',
      async (field) => {
        const response = await app.request('PATCH', `/v1/connections/${id}`, {
          body: { [field]: null },
        });
        expect(response.status).toBe(400);
        expect(((response.body as ErrorBody).errors ?? []).map((error) => error.field)).toContain(
          field,
        );
      },
    );

    it('still clears the fields that may be empty', async () => {
      const response = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { schedule: null, priority: null },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        schedule: null,
        priority: null,
        name: 'nullable check',
      });
    });
  });

  describe('a PATCH racing a DELETE', () => {
    it('does not bring back the deleted connection and its credentials', async () => {
      const created = await app.request('POST', '/v1/connections', {
        body: {
          connector: 'fixture-list',
          name: 'deleted meanwhile',
          config: {},
          credentials: { apiKey: 'compromised' },
          direction: 'pull',
          schedule: '15m',
        },
      });
      const id = (created.body as { id: string }).id;
      const repository = app.app.get(ConnectionRepository);
      // The PATCH reads the connection, then the DELETE commits before the PATCH writes.
      const readBeforeDelete = await repository.findById(id);
      const deleted = await app.request('DELETE', `/v1/connections/${id}`);
      expect(deleted.status).toBe(204);
      const findById = jest.spyOn(repository, 'findById').mockResolvedValueOnce(readBeforeDelete);
      try {
        const patched = await app.request('PATCH', `/v1/connections/${id}`, {
          body: { name: 'renamed' },
        });
        expect(patched.status).toBe(404);
      } finally {
        findById.mockRestore();
      }
      expect(await env.sql('SELECT id FROM connection WHERE id = $1', [id])).toEqual([]);
    });
  });
});
