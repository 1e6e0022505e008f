import type { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, MappedRecord, WebhookEvent } from '../connector-sdk/connector.types';
import type { IngestItem, IngestResult } from '../profiles/ingest/ingest-job';
import type { ProfileStore } from '../profiles/store/profile-store.service';
import type { WebhookConnections } from './webhook-connections';
import { MAX_EVENT_CLOCK_SKEW_MS, WebhookEventIngester } from './webhook-event-ingester';
import type { WebhookJobData } from './webhook-job';

const SHOP = '11111111-1111-4111-8111-111111111111';
const RECEIVED_AT = '2026-01-02T00:00:00.000Z';

/**
 * The vendor time an event version is ordered by. Shopify's trigger time travels in a header
 * its HMAC does not cover, so a replayed body can come with any time: one far in the future
 * must not date a version (a tombstone dated 2099 would make every later edit stale).
 */
describe('WebhookEventIngester event times', () => {
  function ingestOne(event: WebhookEvent): Promise<IngestItem> {
    let written: IngestItem | undefined;
    const store = {
      ingest: async (items: IngestItem[]): Promise<IngestResult> => {
        [written] = items;
        return {
          received: 1,
          applied: 1,
          unchanged: 0,
          stale: 0,
          suppressed: 0,
          rejected: [],
          profilesCreated: 0,
          profilesMerged: 0,
          conflicts: 0,
        };
      },
    } as unknown as ProfileStore;
    const shopify = {
      manifest: { name: 'shopify' },
      mapIn: (raw: { id: string; updated: string }): MappedRecord => ({
        externalId: raw.id,
        updatedAt: raw.updated,
        traits: {},
      }),
    } as unknown as Connector;
    const ingester = new WebhookEventIngester(
      store,
      { get: () => shopify } as unknown as ConnectorRegistry,
      {} as WebhookConnections,
    );
    const job: WebhookJobData = {
      connectionId: SHOP,
      connector: 'shopify',
      deliveryId: 'delivery-1',
      receivedAt: RECEIVED_AT,
      event,
    };
    return ingester.ingest([job]).then(([outcome]) => {
      expect(outcome.ok).toBe(true);
      if (!written) throw new Error('nothing was written');
      return written;
    });
  }

  const at = (offsetMs: number) => new Date(Date.parse(RECEIVED_AT) + offsetMs).toISOString();

  it('dates a deletion by the vendor time, within clock skew of its receipt', async () => {
    const earlier = await ingestOne({
      dedupeKey: 'd-1',
      kind: 'delete',
      externalId: '7',
      occurredAt: at(-60_000),
    });
    expect(earlier.record).toMatchObject({ updatedAt: at(-60_000), deleted: true });
    const skewed = await ingestOne({
      dedupeKey: 'd-2',
      kind: 'delete',
      externalId: '7',
      occurredAt: at(MAX_EVENT_CLOCK_SKEW_MS),
    });
    expect(skewed.record.updatedAt).toBe(at(MAX_EVENT_CLOCK_SKEW_MS));
  });

  it('dates a deletion claiming a time far after its receipt by the receipt instead', async () => {
    const item = await ingestOne({
      dedupeKey: 'd-3',
      kind: 'delete',
      externalId: '7',
      occurredAt: '2099-01-01T00:00:00.000Z',
    });
    expect(item.record).toMatchObject({ updatedAt: RECEIVED_AT, deleted: true });
    expect(item.observedAt).toBe(RECEIVED_AT);
  });

  it('does not let a far-future trigger time decide which same-second version was seen last', async () => {
    const item = await ingestOne({
      dedupeKey: 'u-1',
      kind: 'upsert',
      externalId: '7',
      record: { id: '7', updated: '2026-01-01T00:00:00.000Z' },
      occurredAt: at(MAX_EVENT_CLOCK_SKEW_MS + 1),
    });
    expect(item.observedAt).toBe(RECEIVED_AT);
  });
});
