import { TOKEN_CACHE_TTL_MS } from '../../src/auth/token-lookup-cache';
import type { IngestCause, IngestItem } from '../../src/profiles/ingest/ingest-job';
import { ProfileStore } from '../../src/profiles/store/profile-store.service';
import { createConnection } from '../factories/connection-row.factory';
import { buildIngestItem } from '../factories/ingest-item.factory';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';

interface ProfileSummary {
  id: string;
  status: string;
  traits: Record<string, unknown>;
  createdAt: string;
}
interface ProfilePage {
  data: ProfileSummary[];
  nextCursor: string | null;
}
interface ProfileDetail extends ProfileSummary {
  mergedInto: string | null;
  provenance: Record<string, { connectionId: string; externalId: string; updatedAt: string }>;
  identifiers: { type: string; value: string }[];
  sources: { connectionId: string; externalId: string; contentHash: string; deleted: boolean }[];
  conflicts: unknown[];
}
interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; message: string }[];
}

const SYNC: IngestCause = { kind: 'sync', syncRunId: 'e2e-run' };

/**
 * The profile API over real HTTP on the full application (bearer guard, validation, error
 * filter), on profiles seeded through the application's own ProfileStore.
 */
describe('profile API (HTTP)', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let store: ProfileStore;
  let crm: string;
  let shop: string;
  let helpdesk: string;
  let viewerToken: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startTestApp(env.config);
    store = app.app.get(ProfileStore);
    [crm, shop, helpdesk] = [
      await createConnection(env.sql),
      await createConnection(env.sql, { connector: 'shopify' }),
      await createConnection(env.sql, { connector: 'zendesk' }),
    ];
    const created = await app.request('POST', '/v1/tokens', {
      body: { name: 'e2e viewer', role: 'viewer' },
    });
    viewerToken = (created.body as { token: string }).token;
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const ingest = async (...items: IngestItem[]) => {
    const result = await store.ingest(items, SYNC);
    expect(result.rejected).toEqual([]);
    return result;
  };
  const get = async <T>(path: string, token?: string) => {
    const response = await app.request('GET', path, token === undefined ? {} : { token });
    return { status: response.status, body: response.body as T };
  };
  const search = async (query: string) => {
    const response = await get<ProfilePage>(`/v1/profiles?${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const idOf = async (query: string) => {
    const page = await search(query);
    expect(page.data).toHaveLength(1);
    return page.data[0].id;
  };

  describe('search', () => {
    beforeAll(async () => {
      await ingest(
        buildIngestItem({
          connectionId: crm,
          externalId: 'hs-101',
          traits: {
            email: 'Ada.Lovelace@Engines.org',
            phone: '+1 415 555 2671',
            firstName: 'Ada',
            lastName: 'Lovelace',
          },
        }),
        buildIngestItem({
          connectionId: shop,
          externalId: 'sh-7',
          traits: { email: 'grace@navy.mil', firstName: 'Grace', lastName: 'Hopper' },
        }),
      );
    });

    it('finds a profile by email in any case or spacing, with the page shape', async () => {
      const page = await search(`email=${encodeURIComponent('  ADA.lovelace@engines.ORG ')}`);
      expect(page).toEqual({
        data: [
          expect.objectContaining({
            id: expect.any(String),
            status: 'active',
            traits: expect.objectContaining({
              email: 'ada.lovelace@engines.org',
              firstName: 'Ada',
              lastName: 'Lovelace',
            }),
          }),
        ],
        nextCursor: null,
      });
      expect((await search('email=nobody%40engines.org')).data).toEqual([]);
    });

    it('finds a profile by a phone in national format, normalised to E.164', async () => {
      const id = await idOf(`phone=${encodeURIComponent('(415) 555-2671')}`);
      expect(await idOf('phone=%2B14155552671')).toBe(id);
      expect(await idOf('email=ada.lovelace%40engines.org')).toBe(id);
    });

    it('finds a profile by externalId connectionId:vendorId (connection id in any case)', async () => {
      const id = await idOf(`externalId=${crm}:hs-101`);
      expect(await idOf(`externalId=${crm.toUpperCase()}:hs-101`)).toBe(id);
      expect((await search(`externalId=${crm}:hs-999`)).data).toEqual([]);
      // Two identifiers of different people: nobody has both.
      expect((await search(`externalId=${crm}:hs-101&email=grace%40navy.mil`)).data).toEqual([]);
    });

    it('q is a case-insensitive prefix search on first name, last name and email', async () => {
      const ada = await idOf('email=ada.lovelace%40engines.org');
      const grace = await idOf('email=grace%40navy.mil');
      const ids = async (q: string) =>
        (await search(`q=${encodeURIComponent(q)}`)).data.map((profile) => profile.id);
      expect(await ids('ADA')).toEqual([ada]); // first name (and email) prefix
      expect(await ids('hopp')).toEqual([grace]); // last name prefix
      expect(await ids('grace@nav')).toEqual([grace]); // email prefix
      expect(await ids('ada lov')).toEqual([ada]); // every word must match
      expect(await ids('ada hopper')).toEqual([]);
      expect(await ids('velace')).toEqual([]); // not a substring search
      expect(await ids('%%')).toEqual([]); // LIKE wildcards are matched literally
    });

    it('pages with ?limit=&cursor= → {data, nextCursor}, in creation order, without gaps', async () => {
      const people = Array.from({ length: 5 }, (_, i) =>
        buildIngestItem({
          connectionId: crm,
          externalId: `page-${i}`,
          traits: { email: `pager${i}@paging.io`, firstName: 'Pager', lastName: `Number${i}` },
        }),
      );
      for (const person of people) await ingest(person);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `q=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await search(query);
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((profile) => String(profile.traits.email)));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(people.map((person) => person.record.traits.email));
    });

    it('answers 400 naming the bad query parameter', async () => {
      const cases: [string, string][] = [
        ['email=not-an-email', 'email'],
        ['phone=12', 'phone'],
        ['externalId=no-colon', 'externalId'],
        [`externalId=${'-'.repeat(36)}:x`, 'externalId'],
        ['q=a', 'q'],
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['cursor=not-a-cursor', 'cursor'],
        ['colour=blue', 'colour'],
      ];
      for (const [query, field] of cases) {
        const response = await get<ErrorBody>(`/v1/profiles?${query}`);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body.message).toContain(field);
        expect(response.body.errors?.map((error) => error.field)).toContain(field);
      }
    });
  });

  describe('details, merges, history, split', () => {
    let aId: string;
    let bId: string;
    const linker = () =>
      buildIngestItem({
        connectionId: helpdesk,
        externalId: 'zd-1',
        updatedAt: '2024-05-03T00:00:00.000Z',
        traits: { email: 'merge-a@acme.io', jobTitle: 'Engineer' },
        identifiers: [{ type: 'phone', value: '+442071838750' }],
      });

    beforeAll(async () => {
      await ingest(
        buildIngestItem({
          connectionId: crm,
          externalId: 'm-a',
          updatedAt: '2024-05-01T00:00:00.000Z',
          traits: { email: 'merge-a@acme.io', firstName: 'Ann', company: 'Acme' },
          raw: { id: 'm-a', vendor: 'hubspot-payload' },
        }),
      );
      await ingest(
        buildIngestItem({
          connectionId: shop,
          externalId: 'm-b',
          updatedAt: '2024-05-02T00:00:00.000Z',
          traits: { phone: '+44 20 7183 8750', lastName: 'Lee' },
        }),
      );
      aId = await idOf('email=merge-a%40acme.io');
      bId = await idOf('phone=%2B442071838750');
    });

    it('shows a profile with traits, provenance, identifiers and sources', async () => {
      const { status, body } = await get<ProfileDetail>(`/v1/profiles/${aId}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: aId,
        status: 'active',
        mergedInto: null,
        traits: { email: 'merge-a@acme.io', firstName: 'Ann', company: 'Acme' },
        conflicts: [],
      });
      const origin = {
        connectionId: crm,
        externalId: 'm-a',
        updatedAt: '2024-05-01T00:00:00.000Z',
      };
      expect(body.provenance).toEqual({ company: origin, email: origin, firstName: origin });
      expect(body.identifiers).toEqual([
        { type: 'email', value: 'merge-a@acme.io' },
        { type: 'external', value: `${crm}:m-a` },
      ]);
      expect(body.sources).toEqual([
        expect.objectContaining({
          connectionId: crm,
          externalId: 'm-a',
          deleted: false,
          contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          // Ingested without an observation time (as rows stored before it existed).
          observedAt: null,
        }),
      ]);
      expect(body.sources[0]).not.toHaveProperty('raw');
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expect(
        (await get(`/v1/profiles/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).status,
      ).toBe(404);
      expect((await get('/v1/profiles/not-a-uuid')).status).toBe(400);
    });

    it('a merged id answers 200 with status "merged" and mergedInto; history shows the merge', async () => {
      const result = await ingest(linker());
      expect(result.profilesMerged).toBe(1);

      const merged = await get<ProfileDetail>(`/v1/profiles/${bId}`);
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({ id: bId, status: 'merged', mergedInto: aId, traits: {} });

      const survivor = await get<ProfileDetail>(`/v1/profiles/${aId}`);
      expect(survivor.body.traits).toMatchObject({
        firstName: 'Ann',
        lastName: 'Lee',
        phone: '+442071838750',
        jobTitle: 'Engineer',
      });
      expect(survivor.body.provenance.lastName).toMatchObject({
        connectionId: shop,
        externalId: 'm-b',
      });
      expect(await idOf('phone=%2B442071838750')).toBe(aId);

      const history = await get<{
        data: { kind: string; changes: Record<string, unknown> }[];
        merges: { survivorId: string; mergedIds: string[]; identifierType: string }[];
        nextCursor: string | null;
      }>(`/v1/profiles/${bId}/history`);
      expect(history.status).toBe(200);
      expect(history.body.data.map((change) => change.kind)).toEqual(['created', 'merged']);
      expect(history.body.data[1].changes).toMatchObject({ mergedInto: aId });
      expect(history.body.merges).toEqual([
        expect.objectContaining({ survivorId: aId, mergedIds: [bId], identifierType: 'phone' }),
      ]);
      const survivorHistory = await get<{ data: { kind: string }[] }>(
        `/v1/profiles/${aId}/history?limit=1`,
      );
      expect(survivorHistory.body.data).toEqual([expect.objectContaining({ kind: 'created' })]);
    });

    it('splits over HTTP, blocking the linking identifier so the next sync does not re-merge', async () => {
      const split = await app.request('POST', `/v1/profiles/${aId}/split`, {
        body: { blockIdentifier: true },
      });
      expect(split.status).toBe(200);
      expect(split.body).toMatchObject({
        survivorId: aId,
        restoredIds: [bId],
        blockedIdentifier: { type: 'phone', value: '+442071838750' },
      });

      const restored = await get<ProfileDetail>(`/v1/profiles/${bId}`);
      expect(restored.body).toMatchObject({
        status: 'active',
        mergedInto: null,
        traits: { lastName: 'Lee', phone: '+442071838750' },
      });
      // The blocked phone links nobody any more, and A keeps only what it brought.
      expect((await search('phone=%2B442071838750')).data).toEqual([]);
      const survivor = await get<ProfileDetail>(`/v1/profiles/${aId}`);
      expect(survivor.body.traits).not.toHaveProperty('lastName');

      const again = linker();
      again.record.updatedAt = '2024-06-01T00:00:00.000Z';
      expect(await ingest(again)).toMatchObject({ applied: 1, profilesMerged: 0 });
      expect((await get<ProfileDetail>(`/v1/profiles/${bId}`)).body.status).toBe('active');

      const twice = await app.request('POST', `/v1/profiles/${bId}/split`, { body: {} });
      expect(twice.status).toBe(409);
    });

    it('exports everything held about the person, raw vendor payloads included', async () => {
      const response = await get<{
        profiles: { id: string }[];
        provenance: Record<string, unknown>;
        identifiers: { type: string; value: string }[];
        sources: { externalId: string; raw: unknown }[];
        merges: unknown[];
        changes: { kind: string }[];
      }>(`/v1/profiles/${aId}/export`);
      expect(response.status).toBe(200);
      expect(response.body.profiles.map((profile) => profile.id)).toEqual([aId]);
      expect(response.body.sources.find((source) => source.externalId === 'm-a')?.raw).toEqual({
        id: 'm-a',
        vendor: 'hubspot-payload',
      });
      expect(response.body.identifiers).toContainEqual({ type: 'email', value: 'merge-a@acme.io' });
      expect(response.body.provenance).toHaveProperty('firstName');
      expect(response.body.merges).toHaveLength(1);
      expect(response.body.changes.map((change) => change.kind)).toContain('split');
    });
  });

  describe('erase', () => {
    const person = () =>
      buildIngestItem({
        connectionId: crm,
        externalId: 'er-1',
        traits: { email: 'forget.me@private.io', phone: '+49 151 12345678', firstName: 'Zelda' },
      });

    it('erases over HTTP: then 404, invisible to search, and re-ingest is suppressed', async () => {
      await ingest(person());
      const id = await idOf('email=forget.me%40private.io');

      const erased = await app.request('POST', `/v1/profiles/${id}/erase`);
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({
        erasedProfileIds: [id],
        suppressedIdentifiers: expect.any(Number),
      });

      expect((await get(`/v1/profiles/${id}`)).status).toBe(404);
      expect((await get(`/v1/profiles/${id}/export`)).status).toBe(404);
      expect((await search('email=forget.me%40private.io')).data).toEqual([]);
      expect((await search('q=zelda')).data).toEqual([]);

      const later = person();
      later.record.updatedAt = '2025-01-01T00:00:00.000Z';
      const sameEmailElsewhere = buildIngestItem({
        connectionId: shop,
        externalId: 'new-account',
        traits: { email: ' Forget.Me@private.io ' },
      });
      expect(await ingest(later, sameEmailElsewhere)).toMatchObject({
        suppressed: 2,
        profilesCreated: 0,
      });
      expect((await search('email=forget.me%40private.io')).data).toEqual([]);
      expect((await search(`externalId=${crm}:er-1`)).data).toEqual([]);
    });
  });

  describe('viewer tokens', () => {
    let id: string;

    beforeAll(async () => {
      await ingest(
        buildIngestItem({
          connectionId: crm,
          externalId: 'v-1',
          traits: { email: 'viewer.target@acme.io', firstName: 'Vera' },
        }),
      );
      id = await idOf('email=viewer.target%40acme.io');
    });

    it('can read profiles but not split, erase or export them (403)', async () => {
      expect((await get(`/v1/profiles?email=viewer.target%40acme.io`, viewerToken)).status).toBe(
        200,
      );
      expect((await get(`/v1/profiles/${id}`, viewerToken)).status).toBe(200);
      expect((await get(`/v1/profiles/${id}/history`, viewerToken)).status).toBe(200);
      for (const [method, path] of [
        ['POST', `/v1/profiles/${id}/split`],
        ['POST', `/v1/profiles/${id}/erase`],
        ['GET', `/v1/profiles/${id}/export`],
      ]) {
        const response = await app.request(method, path, {
          token: viewerToken,
          body: method === 'POST' ? {} : undefined,
        });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
      }
      expect((await get(`/v1/profiles/${id}`)).body).toMatchObject({ status: 'active' });
      expect((await get('/v1/profiles', 'sl_not-a-real-token')).status).toBe(401);
    });

    it('stops working within a few seconds of being revoked by another process', async () => {
      const created = await app.request('POST', '/v1/tokens', {
        body: { name: 'short-lived viewer', role: 'viewer' },
      });
      const { id: tokenId, token } = created.body as { id: string; token: string };
      expect((await get(`/v1/profiles/${id}`, token)).status).toBe(200);

      // What DELETE /v1/tokens/:id does on another API replica: this process's cache is not told.
      await env.sql('DELETE FROM api_token WHERE id = $1', [tokenId]);
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < TOKEN_CACHE_TTL_MS + 5_000) {
        status = (await get(`/v1/profiles/${id}`, token)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(TOKEN_CACHE_TTL_MS + 1_000);
    });
  });
});
