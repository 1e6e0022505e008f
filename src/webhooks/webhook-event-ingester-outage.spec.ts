import { UnrecoverableError } from 'bullmq';
import type { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, MappedRecord } from '../connector-sdk/connector.types';
import type { IngestItem, IngestResult } from '../profiles/ingest/ingest-job';
import type { ProfileStore } from '../profiles/store/profile-store.service';
import type { WebhookConnections } from './webhook-connections';
import { WebhookEventIngester } from './webhook-event-ingester';
import type { WebhookJobData } from './webhook-job';

const SHOP = '11111111-1111-4111-8111-111111111111';

/** What pg raises when the server goes away mid-flush (SQLSTATE class 08). */
class ConnectionFailure extends Error {
  readonly code = '08006';
}

function upsertJob(id: string): WebhookJobData {
  return {
    connectionId: SHOP,
    connector: 'shopify',
    deliveryId: `delivery-${id}`,
    receivedAt: '2026-01-02T00:00:00.000Z',
    event: {
      dedupeKey: `u-${id}`,
      kind: 'upsert',
      externalId: id,
      record: { id, updated: '2026-01-01T00:00:00.000Z' },
    },
  };
}

function ingesterWith(ingest: (items: IngestItem[]) => Promise<IngestResult>) {
  const store = { ingest: jest.fn(ingest) };
  const shopify = {
    manifest: { name: 'shopify' },
    mapIn: (raw: { id: string; updated: string }): MappedRecord => ({
      externalId: raw.id,
      updatedAt: raw.updated,
      traits: {},
    }),
  } as unknown as Connector;
  const ingester = new WebhookEventIngester(
    store as unknown as ProfileStore,
    { get: () => shopify } as unknown as ConnectorRegistry,
    {} as WebhookConnections,
  );
  return { ingester, store };
}

/**
 * A flush the database cannot take at all (down, failing over, out of connections) goes back
 * to BullMQ whole, to be retried with backoff: splitting it into one write per record would
 * only send hundreds more transactions at a database that cannot take them.
 */
describe('WebhookEventIngester during a database outage', () => {
  it('fails every job of the flush for a retry, after one attempt', async () => {
    const outage = new ConnectionFailure('Connection terminated unexpectedly');
    const { ingester, store } = ingesterWith(async () => {
      throw outage;
    });
    const outcomes = await ingester.ingest(['1', '2', '3'].map(upsertJob));
    expect(store.ingest).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([
      { ok: false, error: outage },
      { ok: false, error: outage },
      { ok: false, error: outage },
    ]);
    expect(outcomes.some((o) => !o.ok && o.error instanceof UnrecoverableError)).toBe(false);
  });
});
