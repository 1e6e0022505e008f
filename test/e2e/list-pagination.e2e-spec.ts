import { randomBytes, randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

interface Listed {
  at: string;
  id: string;
}

/**
 * Times inside one millisecond, some shared by two rows (their id decides the order), as a
 * batch insert or a burst of failures produces: a cursor that kept milliseconds only listed
 * the page's last row again (oldest first) or lost the rest of its millisecond (newest first).
 */
const SAME_MILLISECOND = [100, 100, 250, 400, 400, 400, 999].map(
  (micros) => `2026-01-01T10:00:00.123${String(micros).padStart(3, '0')}Z`,
);

function oldestFirst(rows: Listed[]): string[] {
  return [...rows]
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
    .map((row) => row.id);
}

function encode(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Every paginated list, driven over HTTP against rows written straight into PostgreSQL. */
describe('list pagination', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let connectionId: string;
  let profileId: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startTestApp(env.config);
    [{ id: connectionId }] = await env.sql<{ id: string }>(
      `INSERT INTO connection (connector, name, direction) VALUES ('zendesk', 'runs owner', 'pull')
       RETURNING id`,
    );
    profileId = randomUUID();
    await env.sql(`INSERT INTO profile (id, status) VALUES ($1, 'active')`, [profileId]);
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  /** Follows `nextCursor` to the end. @returns the ids in the order the pages gave them. */
  async function pageThrough(path: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const separator = path.includes('?') ? '&' : '?';
      const page = await app.request(
        'GET',
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      const body = page.body as { data: { id: string }[]; nextCursor: string | null };
      ids.push(...body.data.map((row) => row.id));
      cursor = body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error(`${path} did not end after 20 pages: ${ids.join(', ')}`);
  }

  const insertEach = async (insert: (at: string) => Promise<string>): Promise<Listed[]> => {
    const rows: Listed[] = [];
    for (const at of SAME_MILLISECOND) rows.push({ at, id: await insert(at) });
    return rows;
  };

  const idOf = (rows: { id: string }[]) => rows[0].id;

  describe('lists every row once, in order, when rows share a millisecond', () => {
    it('connections, oldest first', async () => {
      const rows = await insertEach(async (at) =>
        idOf(
          await env.sql<{ id: string }>(
            `INSERT INTO connection (connector, name, direction, created_at)
             VALUES ('hubspot', $1, 'pull', $2) RETURNING id`,
            [`paged ${randomUUID()}`, at],
          ),
        ),
      );
      for (const limit of [1, 2, 3]) {
        expect(await pageThrough('/v1/connections?connector=hubspot', limit)).toEqual(
          oldestFirst(rows),
        );
      }
    });

    it('tokens, oldest first', async () => {
      const rows = await insertEach(async (at) =>
        idOf(
          await env.sql<{ id: string }>(
            `INSERT INTO api_token (name, role, token_hash, token_prefix, created_at)
             VALUES ('paged', 'viewer', $1, 'sl_x', $2) RETURNING id`,
            [randomBytes(32), at],
          ),
        ),
      );
      for (const limit of [1, 2, 3]) {
        expect(await pageThrough('/v1/tokens', limit)).toEqual(oldestFirst(rows));
      }
    });

    it('profiles (search), oldest first', async () => {
      // Only the pages' order matters here: the profile the suite made first is older.
      const rows = await insertEach(async (at) => {
        const id = randomUUID();
        await env.sql(`INSERT INTO profile (id, status, created_at) VALUES ($1, 'active', $2)`, [
          id,
          at,
        ]);
        return id;
      });
      const expected = oldestFirst(rows);
      for (const limit of [1, 2, 3]) {
        const ids = await pageThrough('/v1/profiles', limit);
        expect(ids.filter((id) => id !== profileId)).toEqual(expected);
        expect(ids).toHaveLength(expected.length + 1);
      }
    });

    it('dead letters, newest first', async () => {
      const rows = await insertEach(async (at) =>
        idOf(
          await env.sql<{ id: string }>(
            `INSERT INTO dead_letter (queue, job_name, data, error, attempts, failed_at, created_at)
             VALUES ('sync', 'run', '{}', 'failed', 3, $1, $1) RETURNING id`,
            [at],
          ),
        ),
      );
      for (const limit of [1, 2, 3]) {
        expect(await pageThrough('/v1/dead-letters', limit)).toEqual(oldestFirst(rows).reverse());
      }
    });

    it("a connection's sync runs, newest first", async () => {
      const rows = await insertEach(async (at) =>
        idOf(
          await env.sql<{ id: string }>(
            `INSERT INTO sync_run (connection_id, mode, trigger, status, queued_at)
             VALUES ($1, 'full', 'manual', 'succeeded', $2) RETURNING id`,
            [connectionId, at],
          ),
        ),
      );
      for (const limit of [1, 2, 3]) {
        expect(await pageThrough(`/v1/connections/${connectionId}/syncs`, limit)).toEqual(
          oldestFirst(rows).reverse(),
        );
      }
    });

    it("a profile's history, by sequence", async () => {
      const seqs = (
        await env.sql<{ seq: string }>(
          `INSERT INTO profile_change (profile_id, kind, created_at)
           SELECT $1, 'updated', $2 FROM generate_series(1, 5) RETURNING seq`,
          [profileId, SAME_MILLISECOND[0]],
        )
      ).map((row) => row.seq);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await app.request(
          'GET',
          `/v1/profiles/${profileId}/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        const body = page.body as { data: { seq: string }[]; nextCursor: string | null };
        seen.push(...body.data.map((change) => change.seq));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(seqs);
    });
  });

  describe('answers 400 naming `cursor` for a cursor this API did not make', () => {
    const uuid = '6f1c3c59-0d7a-4b43-9f3e-2a1f4b8c9d10';
    const crafted = [
      { t: '2026-01-01T00:00:00Z', i: 'x' },
      { t: '2026-01-01T00:00:00Z', i: 42 },
      { t: '1', i: uuid },
      { t: '2026-02-31T00:00:00Z', i: uuid },
      { t: '0000-01-01T00:00:00Z', i: uuid },
      { t: '2026-01-01 00:00:00', i: uuid },
      null,
      [],
    ];
    const lists: [string, () => string][] = [
      ['connections', () => '/v1/connections'],
      ['tokens', () => '/v1/tokens'],
      ['dead letters', () => '/v1/dead-letters'],
      ['profiles', () => '/v1/profiles'],
      ['sync runs', () => `/v1/connections/${connectionId}/syncs`],
    ];

    it.each(lists)('%s', async (_, pathOf) => {
      const path = pathOf();
      for (const cursor of [...crafted.map(encode), 'not base64 json!']) {
        const response = await app.request('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
        expect({ cursor, status: response.status }).toEqual({ cursor, status: 400 });
        expect(response.body).toMatchObject({
          errors: [{ field: 'cursor', message: 'is not a cursor returned by this API' }],
        });
      }
    });

    it("a profile's history, whose positions are change sequence numbers", async () => {
      for (const i of [
        'x',
        uuid,
        '0',
        '-1',
        '1.5',
        '9223372036854775808',
        '99999999999999999999',
      ]) {
        const cursor = encode({ t: '2026-01-01T00:00:00Z', i });
        const response = await app.request(
          'GET',
          `/v1/profiles/${profileId}/history?cursor=${cursor}`,
        );
        expect({ i, status: response.status }).toEqual({ i, status: 400 });
        expect(response.body).toMatchObject({ errors: [{ field: 'cursor' }] });
      }
    });
  });

  it.each([
    ['GET', '/v1/connections/not-a-uuid'],
    ['PATCH', '/v1/connections/not-a-uuid'],
    ['DELETE', '/v1/connections/not-a-uuid'],
    ['POST', '/v1/connections/not-a-uuid/check'],
    ['GET', '/v1/connections/not-a-uuid/syncs'],
    ['POST', '/v1/connections/not-a-uuid/syncs'],
    ['GET', '/v1/syncs/not-a-uuid'],
    ['POST', '/v1/syncs/not-a-uuid/cancel'],
    ['DELETE', '/v1/tokens/not-a-uuid'],
    ['GET', '/v1/dead-letters/not-a-uuid'],
    ['POST', '/v1/dead-letters/not-a-uuid/replay'],
    ['GET', '/v1/profiles/not-a-uuid'],
    ['GET', '/v1/profiles/not-a-uuid/history'],
  ])('%s %s answers 400 naming the `id` parameter', async (method, path) => {
    const response = await app.request(method, path, {
      body: method === 'GET' || method === 'DELETE' ? undefined : {},
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      statusCode: 400,
      code: 'INVALID_INPUT',
      message: 'id: must be a UUID',
      errors: [{ field: 'id', message: 'must be a UUID' }],
    });
  });
});
