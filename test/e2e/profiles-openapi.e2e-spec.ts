import type { IngestCause } from '../../src/profiles/ingest/ingest-job';
import { ProfileStore } from '../../src/profiles/store/profile-store.service';
import { createConnection } from '../factories/connection-row.factory';
import { buildIngestItem } from '../factories/ingest-item.factory';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';

interface SchemaObject {
  properties?: Record<string, unknown>;
  required?: string[];
}
type Body = Record<string, unknown>;

const SYNC: IngestCause = { kind: 'sync', syncRunId: 'e2e-openapi' };

/**
 * The profile routes answer exactly what /docs-json says: every field of a response is a
 * documented property, and every field the route always sends (null included) is `required`,
 * so clients generated from the document neither miss fields nor treat them as optional.
 */
describe('profile API responses match their OpenAPI schemas', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let schemas: Record<string, SchemaObject>;
  let survivor: string;
  let merged: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startTestApp(env.config);
    const store = app.app.get(ProfileStore);
    const [crm, shop, desk] = [
      await createConnection(env.sql),
      await createConnection(env.sql, { connector: 'shopify' }),
      await createConnection(env.sql, { connector: 'zendesk' }),
    ];
    await store.ingest(
      [buildIngestItem({ connectionId: crm, externalId: 'a', traits: { email: 'doc@acme.io' } })],
      SYNC,
    );
    await store.ingest(
      [buildIngestItem({ connectionId: shop, externalId: 'b', traits: { phone: '+14155550133' } })],
      SYNC,
    );
    await store.ingest(
      [
        buildIngestItem({
          connectionId: desk,
          externalId: 'c',
          traits: { email: 'doc@acme.io', phone: '+14155550133' },
        }),
      ],
      SYNC,
    );
    const [row] = await env.sql<{ id: string; merged_into: string }>(
      `SELECT id, merged_into FROM profile WHERE status = 'merged'`,
    );
    [merged, survivor] = [row.id, row.merged_into];
    // A destination that has never been written successfully: its nullable fields are null.
    await env.sql(
      `INSERT INTO push_state (connection_id, profile_id, status, error) VALUES ($1, $2, 'failed', 'refused')`,
      [crm, survivor],
    );
    const doc = (await app.request('GET', '/docs-json', { token: null })).body as {
      components: { schemas: Record<string, SchemaObject> };
    };
    schemas = doc.components.schemas;
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const body = async (method: string, path: string) => {
    const response = await app.request(method, path, method === 'POST' ? { body: {} } : {});
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.body as Body;
  };

  /** Keys sent vs documented, and documented vs required, for one object of one schema. */
  const shapeOf = (value: unknown, schema: string) => {
    const documented = Object.keys(schemas[schema]?.properties ?? {}).sort();
    return {
      schema,
      sent: Object.keys(value as Body).sort(),
      documented,
      required: [...(schemas[schema]?.required ?? [])].sort(),
    };
  };
  const expectShape = (value: unknown, schema: string) => {
    const shape = shapeOf(value, schema);
    expect(shape).toEqual({ ...shape, sent: shape.documented, required: shape.documented });
  };
  const first = (value: unknown) => (value as unknown[])[0];

  it('GET /v1/profiles and /v1/profiles/:id', async () => {
    const page = await body('GET', '/v1/profiles?email=doc%40acme.io');
    expectShape(page, 'ProfilePageDto');
    expectShape(first(page.data), 'ProfileSummaryDto');
    const detail = await body('GET', `/v1/profiles/${survivor}`);
    expectShape(detail, 'ProfileDetailDto');
    expectShape(first(detail.pushes), 'PushStatusDto');
    expectShape(first(detail.sources), 'SourceRecordDto');
    expectShape(first(detail.identifiers), 'IdentifierDto');
    expectShape(await body('GET', `/v1/profiles/${merged}`), 'ProfileDetailDto');
  });

  it('GET /v1/profiles/:id/history and /export', async () => {
    const history = await body('GET', `/v1/profiles/${merged}/history`);
    expectShape(history, 'ProfileHistoryDto');
    expectShape(first(history.data), 'ProfileChangeDto');
    expectShape(first(history.merges), 'ProfileMergeDto');
    const exported = await body('GET', `/v1/profiles/${merged}/export`);
    expectShape(exported, 'ProfileExportDto');
    expectShape(first(exported.pushes), 'ExportedPushDto');
    expectShape(first(exported.sources), 'ExportedSourceRecordDto');
  });

  it('POST /v1/profiles/:id/split', async () => {
    expectShape(await body('POST', `/v1/profiles/${survivor}/split`), 'SplitResultDto');
  });
});
