/**
 * The outbound path's core on a test connector: changes reach a destination as coalesced,
 * batched, diffed writes; unchanged profiles and echoes send nothing; a refused profile fails
 * alone into the dead letters; an erase reaches the destination.
 */
import { EmulatorServer, type EmulatorRequest } from '../emulators/common';
import { FixtureConnectors, writeFixtureConnectors } from '../fixtures/fixture-connectors';
import { triggerSync, waitForRun } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import {
  createTestEnvironment,
  TEST_POSTGRES_SERVER,
  TestEnvironment,
} from '../support/test-environment';
import { Client } from 'pg';
import { waitUntil } from '../support/wait-for';

interface PersonWrite {
  profileId: string;
  id?: string;
  email?: string;
  changes: Record<string, unknown>;
}

let env: TestEnvironment;
let app: TestApp;
let fixtures: FixtureConnectors;
let destination: EmulatorServer;
let nextId = 1;

/** A destination that accepts batches, refusing emails at `refused.example`. */
function destinationLogic(request: EmulatorRequest) {
  if (request.method === 'POST' && request.path === '/people/batch') {
    const people = (request.body as { people: PersonWrite[] }).people;
    return {
      status: 200,
      body: {
        results: people.map((person) =>
          person.email?.endsWith('@refused.example')
            ? { profileId: person.profileId, error: 'email domain refused' }
            : { profileId: person.profileId, id: person.id ?? `p${nextId++}` },
        ),
      },
    };
  }
  if (request.method === 'DELETE') return { status: 204 };
  return { status: 404, body: { error: 'no route' } };
}

beforeAll(async () => {
  fixtures = writeFixtureConnectors();
  env = await createTestEnvironment({
    env: { CONNECTORS_DIR: fixtures.dir, JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' },
  });
  app = await startTestApp(env.config);
  destination = new EmulatorServer(async (request) => destinationLogic(request));
  await destination.start();
});

afterAll(async () => {
  await destination?.stop();
  await app?.close();
  await env?.teardown();
  fixtures.remove();
});

async function connection(body: Record<string, unknown>): Promise<string> {
  const response = await app.request('POST', '/v1/connections', {
    body: { connector: 'fixture-list', credentials: {}, ...body },
  });
  if (response.status !== 201) throw new Error(response.text);
  return (response.body as { id: string }).id;
}

function writes(): PersonWrite[] {
  return destination
    .requests({ method: 'POST', pathPrefix: '/people/batch' })
    .flatMap((request) => (request.body as { people: PersonWrite[] }).people);
}

async function settle(ms = 1500): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('outbound', () => {
  let sourceId: string;
  let destinationId: string;
  const people = [
    { id: 1, email: 'ada@acme.io', firstName: 'Ada' },
    { id: 2, email: 'grace@acme.io', firstName: 'Grace' },
    { id: 3, email: 'bob@refused.example', firstName: 'Bob' },
  ];

  it('pushes new profiles in one batch, with the default mapping, and fails a refused one alone', async () => {
    destinationId = await connection({
      name: 'destination',
      direction: 'push',
      config: { baseUrl: destination.baseUrl },
      mapping: { tier: null, segment: { const: 'vip' } },
    });
    sourceId = await connection({ name: 'source', direction: 'pull', config: { records: people } });
    expect((await waitForRun(app, await triggerSync(app, sourceId))).status).toBe('succeeded');

    await waitUntil(() => writes().length >= 3);
    const batches = destination.requests({ method: 'POST', pathPrefix: '/people/batch' });
    expect(batches).toHaveLength(1);
    expect(writes().find((w) => w.email === 'ada@acme.io')?.changes).toEqual({
      email: 'ada@acme.io',
      first_name: 'Ada',
      segment: 'vip',
    });

    await waitUntil(async () => {
      const letters = await app.request('GET', `/v1/dead-letters?queue=outbound`);
      return (letters.body as { data: unknown[] }).data.length === 1;
    });
    const letters = await app.request('GET', `/v1/dead-letters?queue=outbound`);
    const [letter] = (letters.body as { data: { error: string; connectionId: string }[] }).data;
    expect(letter).toMatchObject({ connectionId: destinationId });
    expect(letter.error).toContain('email domain refused');
    const states = await env.sql<{ status: string }>(
      `SELECT status FROM push_state WHERE connection_id = $1 ORDER BY status`,
      [destinationId],
    );
    expect(states.map((s) => s.status)).toEqual(['failed', 'ok', 'ok']);
  });

  it('sends nothing for an unchanged profile, and only the changed field otherwise', async () => {
    const before = writes().length;
    expect((await waitForRun(app, await triggerSync(app, sourceId))).status).toBe('succeeded');
    await settle();
    expect(writes().length).toBe(before);

    const changed = people.map((p) =>
      p.id === 1 ? { ...p, phone: '+14155550101', updatedAt: '2026-02-01T00:00:00.000Z' } : p,
    );
    await app.request('PATCH', `/v1/connections/${sourceId}`, {
      body: { config: { records: changed } },
    });
    expect((await waitForRun(app, await triggerSync(app, sourceId))).status).toBe('succeeded');
    await waitUntil(() => writes().length > before);
    await settle(500);
    const latest = writes().slice(before);
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ id: expect.any(String), changes: { phone: '+14155550101' } });
  });

  it('does not echo a write back: the tool sending our value back causes nothing', async () => {
    const both = await connection({
      name: 'both ways',
      direction: 'both',
      config: { baseUrl: destination.baseUrl, records: [] },
    });
    const before = writes().length;
    const renamed = people.map((p) =>
      p.id === 2 ? { ...p, firstName: 'Grace H.', updatedAt: '2026-03-01T00:00:00.000Z' } : p,
    );
    await app.request('PATCH', `/v1/connections/${sourceId}`, {
      body: { config: { records: renamed } },
    });
    expect((await waitForRun(app, await triggerSync(app, sourceId))).status).toBe('succeeded');
    // One write per destination: the change to the first, the whole profile to the new one.
    await waitUntil(() => writes().length >= before + 2);
    await settle(500);
    const sent = writes().slice(before);
    expect(sent.map((w) => w.changes)).toEqual(
      expect.arrayContaining([
        { first_name: 'Grace H.' },
        { email: 'grace@acme.io', first_name: 'Grace H.', tier: 'gold' },
      ]),
    );
    const createdAtBoth = sent.find((w) => w.id === undefined)!;
    const [{ external_id: vendorId }] = await env.sql<{ external_id: string }>(
      `SELECT external_id FROM push_state WHERE connection_id = $1 AND profile_id = $2`,
      [both, createdAtBoth.profileId],
    );

    // The tool now returns the person as we wrote them (its webhook or next sync).
    await app.request('PATCH', `/v1/connections/${both}`, {
      body: {
        config: {
          baseUrl: destination.baseUrl,
          records: [{ id: vendorId, email: 'grace@acme.io', firstName: 'Grace H.' }],
        },
      },
    });
    const echoed = writes().length;
    expect((await waitForRun(app, await triggerSync(app, both))).status).toBe('succeeded');
    await settle();
    expect(writes().slice(echoed)).toEqual([]);
  });

  it('is not held back by a transaction left open in another database on the server', async () => {
    const other = new Client({ connectionString: TEST_POSTGRES_SERVER });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const before = writes().length;
      const renamed = people.map((p) =>
        p.id === 1 ? { ...p, firstName: 'Augusta Ada', updatedAt: '2026-04-01T00:00:00.000Z' } : p,
      );
      await app.request('PATCH', `/v1/connections/${sourceId}`, {
        body: { config: { records: renamed } },
      });
      expect((await waitForRun(app, await triggerSync(app, sourceId))).status).toBe('succeeded');
      // Both destinations get the change, in either order: wait for the one that holds Ada
      // already, which is sent only the changed field. A held-back relay would send nothing.
      const onlyTheRename = (w: PersonWrite) =>
        JSON.stringify(w.changes) === JSON.stringify({ first_name: 'Augusta Ada' });
      await waitUntil(() => writes().slice(before).some(onlyTheRename), 10_000);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });

  it('propagates an erase to the destinations holding the person', async () => {
    const [{ profile_id: profileId, external_id: externalId }] = await env.sql<{
      profile_id: string;
      external_id: string;
    }>(
      `SELECT profile_id, external_id FROM push_state WHERE connection_id = $1 AND status = 'ok' LIMIT 1`,
      [destinationId],
    );
    const erased = await app.request('POST', `/v1/profiles/${profileId}/erase`);
    expect(erased.status).toBe(200);
    await waitUntil(() =>
      destination.requests({ method: 'DELETE' }).some((r) => r.path === `/people/${externalId}`),
    );
    await waitUntil(async () => {
      const left = await env.sql(`SELECT 1 FROM push_state WHERE profile_id = $1`, [profileId]);
      return left.length === 0;
    });
  });
});
