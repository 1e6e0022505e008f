import type { IngestCause } from '../../src/profiles/ingest/ingest-job';
import { ProfileStore } from '../../src/profiles/store/profile-store.service';
import { createConnection } from '../factories/connection-row.factory';
import { buildIngestItem } from '../factories/ingest-item.factory';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';

interface ProfilePage {
  data: { id: string; traits: Record<string, unknown> }[];
}
interface ErrorBody {
  message: string;
  errors?: { field: string }[];
}

const SYNC: IngestCause = { kind: 'sync', syncRunId: 'e2e-input' };

/** What reaches the profile store and the search API when the input is not what it should be. */
describe('profile input (HTTP and store)', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let store: ProfileStore;
  let shop: string;
  let other: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startTestApp(env.config);
    store = app.app.get(ProfileStore);
    shop = await createConnection(env.sql, { connector: 'shopify' });
    other = await createConnection(env.sql, { connector: 'acme' });
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const search = async (query: string) => {
    const response = await app.request('GET', `/v1/profiles?${query}`);
    return { status: response.status, body: response.body as ProfilePage & ErrorBody };
  };

  it('answers 400 naming q for a q with no word in it, instead of listing everyone', async () => {
    await store.ingest([buildIngestItem({ connectionId: shop, externalId: 'blank-q' })], SYNC);
    for (const q of ['%20%20', '%09%20%0A']) {
      const response = await search(`q=${q}`);
      expect({ q, status: response.status }).toEqual({ q, status: 400 });
      expect(response.body.errors?.map((error) => error.field)).toEqual(['q']);
    }
  });

  it('reads externalId as ingest stores it: vendor id trimmed, and never empty', async () => {
    await store.ingest(
      [buildIngestItem({ connectionId: shop, externalId: ' 7:42 ', traits: { firstName: 'Kim' } })],
      SYNC,
    );
    const found = await search(`externalId=${shop}:${encodeURIComponent(' 7:42 ')}`);
    expect(found.status).toBe(200);
    expect(found.body.data.map((profile) => profile.traits.firstName)).toEqual(['Kim']);
    const empty = await search(`externalId=${shop}:%20`);
    expect(empty.status).toBe(400);
    expect(empty.body.errors?.map((error) => error.field)).toEqual(['externalId']);
  });

  it('a tool sending values outside the canonical formats does not replace valid ones', async () => {
    await store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'canon-1',
          updatedAt: '2024-05-01T00:00:00.000Z',
          traits: {
            email: 'canon@acme.io',
            address: { city: 'Austin', country: 'US' },
            emailConsent: 'subscribed',
            timezone: 'America/Chicago',
          },
        }),
      ],
      SYNC,
    );
    const later = buildIngestItem({
      connectionId: other,
      externalId: 'canon-1',
      updatedAt: '2024-06-01T00:00:00.000Z',
      traits: {
        email: 'canon@acme.io',
        address: { city: 'Dallas', country: 'United States' },
        emailConsent: 'YES' as never,
        timezone: 'Central Time (US & Canada)',
        locale: 'en_US',
      },
    });
    expect(await store.ingest([later], SYNC)).toMatchObject({ applied: 1, rejected: [] });
    const { body } = await search('email=canon%40acme.io');
    expect(body.data).toHaveLength(1);
    expect(body.data[0].traits).toMatchObject({
      // The newer tool wins what it says validly, and nothing it says invalidly.
      address: { city: 'Dallas' },
      locale: 'en-US',
      emailConsent: 'subscribed',
      timezone: 'America/Chicago',
    });
  });

  it('a record nested too deeply for the store is rejected alone; its batch goes in', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 200_000; i += 1) deep = { inner: deep };
    const result = await store.ingest(
      [
        buildIngestItem({
          connectionId: other,
          externalId: 'deep',
          traits: { custom: { acme: deep } },
        }),
        buildIngestItem({
          connectionId: other,
          externalId: 'fine',
          traits: { email: 'fine@acme.io' },
        }),
      ],
      SYNC,
    );
    expect(result).toMatchObject({ applied: 1, profilesCreated: 1 });
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 0, externalId: 'deep', reason: expect.any(String) }),
    ]);
    expect((await search('email=fine%40acme.io')).body.data).toHaveLength(1);
  });
});
