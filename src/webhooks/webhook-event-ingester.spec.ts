import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, MappedRecord, WebhookEvent } from '../connector-sdk/connector.types';
import { HttpRequestError } from '../connector-sdk/errors';
import type { IngestCause, IngestItem, IngestResult } from '../profiles/ingest/ingest-job';
import type { ProfileStore } from '../profiles/store/profile-store.service';
import type { WebhookConnection, WebhookConnections } from './webhook-connections';
import { MAX_CLOCK_SKEW_MS } from '../profiles/ingest/believable-time';
import { WebhookEventIngester } from './webhook-event-ingester';
import type { WebhookJobData } from './webhook-job';

const SHOP = '11111111-1111-4111-8111-111111111111';
const HUB = '22222222-2222-4222-8222-222222222222';

interface Raw {
  id: string;
  email?: string;
  updated?: string;
}

const mapIn = (raw: Raw): MappedRecord => {
  if (!raw.updated) throw new Error(`record ${raw.id} has no updated`);
  return { externalId: raw.id, updatedAt: raw.updated, traits: { email: raw.email } };
};

function job(
  connectionId: string,
  event: WebhookEvent<Raw>,
  deliveryId = 'delivery-1',
): WebhookJobData {
  return {
    connectionId,
    connector: connectionId === SHOP ? 'shopify' : 'hubspot',
    deliveryId,
    receivedAt: '2026-01-02T00:00:00.000Z',
    event,
  };
}

const upsert = (id: string, raw: Partial<Raw> = {}): WebhookEvent<Raw> => ({
  dedupeKey: `u-${id}`,
  kind: 'upsert',
  externalId: id,
  record: { id, email: `${id}@example.com`, updated: '2026-01-01T00:00:00.000Z', ...raw },
});
const fetchEvent = (id: string): WebhookEvent<Raw> => ({
  dedupeKey: `f-${id}`,
  kind: 'fetch',
  externalId: id,
});

function emptyResult(received: number): IngestResult {
  return {
    received,
    applied: received,
    unchanged: 0,
    stale: 0,
    suppressed: 0,
    rejected: [],
    profilesCreated: received,
    profilesMerged: 0,
    conflicts: 0,
  };
}

function setup(
  options: {
    ingest?: (items: IngestItem[], cause: IngestCause) => Promise<IngestResult>;
    fetch?: (ids: string[]) => Promise<Raw[]>;
  } = {},
) {
  const ingest = jest.fn(
    options.ingest ?? (async (items: IngestItem[]) => emptyResult(items.length)),
  );
  const fetch = jest.fn(async (_ctx: unknown, ids: string[]) =>
    options.fetch ? options.fetch(ids) : [],
  );
  const shopify = { manifest: { name: 'shopify' }, mapIn } as unknown as Connector;
  const hubspot = { manifest: { name: 'hubspot' }, mapIn, fetch } as unknown as Connector;
  const registry = {
    get: (name: string) => (name === 'shopify' ? shopify : hubspot),
  } as unknown as ConnectorRegistry;
  const connections = {
    get: async (id: string): Promise<WebhookConnection | undefined> =>
      id === HUB
        ? ({
            connector: hubspot,
            context: () => ({ connectionId: HUB }),
          } as unknown as WebhookConnection)
        : undefined,
  } as unknown as WebhookConnections;
  const ingester = new WebhookEventIngester(
    { ingest } as unknown as ProfileStore,
    registry,
    connections,
  );
  return { ingester, ingest, fetch };
}

describe('WebhookEventIngester', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('maps full records, turns deletions into dated tombstones, and writes all in one call', async () => {
    const { ingester, ingest } = setup();
    const outcomes = await ingester.ingest([
      job(SHOP, upsert('1')),
      job(SHOP, {
        dedupeKey: 'd2',
        kind: 'delete',
        externalId: '2',
        occurredAt: '2026-01-01T12:00:00.000Z',
      }),
      job(SHOP, { dedupeKey: 'd3', kind: 'delete', externalId: '3' }),
    ]);
    expect(outcomes).toEqual([
      { ok: true, value: { outcome: 'ingested' } },
      { ok: true, value: { outcome: 'ingested' } },
      { ok: true, value: { outcome: 'ingested' } },
    ]);
    expect(ingest).toHaveBeenCalledTimes(1);
    const [items, cause] = ingest.mock.calls[0];
    expect(cause).toEqual({ kind: 'webhook', deliveryId: 'delivery-1' });
    expect(items).toEqual([
      {
        connectionId: SHOP,
        record: {
          externalId: '1',
          updatedAt: '2026-01-01T00:00:00.000Z',
          traits: { email: '1@example.com' },
        },
        raw: upsert('1').record,
        // Seen when received: the event carries no trigger time.
        observedAt: '2026-01-02T00:00:00.000Z',
      },
      {
        connectionId: SHOP,
        record: {
          externalId: '2',
          updatedAt: '2026-01-01T12:00:00.000Z',
          deleted: true,
          traits: {},
        },
        observedAt: '2026-01-01T12:00:00.000Z',
      },
      // No vendor time: the receive time dates the deletion.
      {
        connectionId: SHOP,
        record: {
          externalId: '3',
          updatedAt: '2026-01-02T00:00:00.000Z',
          deleted: true,
          traits: {},
        },
        observedAt: '2026-01-02T00:00:00.000Z',
      },
    ]);
  });

  it('leaves the delivery id out of the cause when a batch mixes deliveries', async () => {
    const { ingester, ingest } = setup();
    await ingester.ingest([job(SHOP, upsert('1'), 'a'), job(SHOP, upsert('2'), 'b')]);
    expect(ingest.mock.calls[0][1]).toEqual({ kind: 'webhook' });
  });

  it('fails only the job whose record cannot be mapped, for good', async () => {
    const { ingester, ingest } = setup();
    const outcomes = await ingester.ingest([
      job(SHOP, upsert('1')),
      job(SHOP, upsert('2', { updated: undefined })),
    ]);
    expect(outcomes[0]).toEqual({ ok: true, value: { outcome: 'ingested' } });
    expect(outcomes[1].ok).toBe(false);
    const error = (outcomes[1] as { error: Error }).error;
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.message).toMatch(/record 2 has no updated/);
    expect(ingest.mock.calls[0][0]).toHaveLength(1);
  });

  it('fails for good the jobs whose records the store rejected', async () => {
    const { ingester } = setup({
      ingest: async (items) => ({
        ...emptyResult(items.length),
        rejected: [
          {
            index: 1,
            connectionId: SHOP,
            externalId: '2',
            reason: 'record.externalId is too long',
          },
        ],
      }),
    });
    const outcomes = await ingester.ingest([job(SHOP, upsert('1')), job(SHOP, upsert('2'))]);
    expect(outcomes[0].ok).toBe(true);
    const error = (outcomes[1] as { error: Error }).error;
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.message).toBe(
      'The profile store rejected the record: record.externalId is too long',
    );
  });

  it('writes the records one by one when the batch fails as a whole, so a bad one fails alone', async () => {
    const { ingester, ingest } = setup({
      ingest: async (items) => {
        if (items.some((item) => item.record.externalId === 'poison'))
          throw new Error('deadlock detected');
        return emptyResult(items.length);
      },
    });
    const outcomes = await ingester.ingest([
      job(SHOP, upsert('1')),
      job(SHOP, upsert('poison')),
      job(SHOP, upsert('3')),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const error = (outcomes[1] as { error: Error }).error;
    // Retryable: BullMQ tries the job again with backoff, then leaves it for the dead letters.
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(error.message).toBe('deadlock detected');
    expect(ingest).toHaveBeenCalledTimes(4);
  });

  it('fetches id-only events once per connection (unique ids) and skips ids the vendor no longer has', async () => {
    const { ingester, ingest, fetch } = setup({
      fetch: async (ids) =>
        ids
          .filter((id) => id !== '9')
          .map((id) => ({ id, email: `${id}@hub.example`, updated: '2026-01-01T00:00:00.000Z' })),
    });
    const askedFrom = new Date().toISOString();
    const outcomes = await ingester.ingest([
      job(HUB, fetchEvent('7')),
      job(SHOP, upsert('1')),
      job(HUB, fetchEvent('8')),
      job(HUB, { ...fetchEvent('7'), dedupeKey: 'again' }),
      job(HUB, fetchEvent('9')),
    ]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][1]).toEqual(['7', '8', '9']);
    expect(outcomes).toEqual([
      { ok: true, value: { outcome: 'ingested' } },
      { ok: true, value: { outcome: 'ingested' } },
      { ok: true, value: { outcome: 'ingested' } },
      { ok: true, value: { outcome: 'ingested' } },
      {
        ok: true,
        value: { outcome: 'skipped', reason: 'the vendor no longer returns this record' },
      },
    ]);
    const items = ingest.mock.calls[0][0];
    expect(
      items.map(
        (item) => `${item.connectionId === HUB ? 'hub' : 'shop'}:${item.record.externalId}`,
      ),
    ).toEqual(['shop:1', 'hub:7', 'hub:8']);
    expect(items[1].raw).toEqual({
      id: '7',
      email: '7@hub.example',
      updated: '2026-01-01T00:00:00.000Z',
    });
    // A fetched record is the vendor's state when asked, so that is when it was seen.
    expect(items[1].observedAt! >= askedFrom).toBe(true);
    expect(items[1].observedAt! <= new Date().toISOString()).toBe(true);
  });

  it('retries fetches that failed for a transient reason, and not those the vendor refused', async () => {
    const transient = setup({
      fetch: async () => {
        throw new HttpRequestError({
          method: 'POST',
          path: '/batch/read',
          status: 503,
          retryable: true,
          attempts: 6,
        });
      },
    });
    const [retry] = await transient.ingester.ingest([job(HUB, fetchEvent('7'))]);
    expect((retry as { error: Error }).error).not.toBeInstanceOf(UnrecoverableError);

    const refused = setup({
      fetch: async () => {
        throw new HttpRequestError({
          method: 'POST',
          path: '/batch/read',
          status: 401,
          retryable: false,
          attempts: 1,
        });
      },
    });
    const [dead] = await refused.ingester.ingest([job(HUB, fetchEvent('7'))]);
    expect((dead as { error: Error }).error).toBeInstanceOf(UnrecoverableError);
    expect(refused.ingest).not.toHaveBeenCalled();
  });

  it('fails fetch events for good when their connection is gone', async () => {
    const { ingester } = setup();
    const [outcome] = await ingester.ingest([
      job('33333333-3333-4333-8333-333333333333', fetchEvent('7')),
    ]);
    expect((outcome as { error: Error }).error).toBeInstanceOf(UnrecoverableError);
  });
});

/**
 * The vendor time an event version is ordered by. Shopify's trigger time travels in a header
 * its HMAC does not cover, so a replayed body can come with any time: one far in the future
 * must not date a version (a tombstone dated 2099 would make every later edit stale).
 */
describe('WebhookEventIngester event times', () => {
  const RECEIVED_AT = job(SHOP, upsert('0')).receivedAt;
  const at = (offsetMs: number) => new Date(Date.parse(RECEIVED_AT) + offsetMs).toISOString();

  async function ingestOne(event: WebhookEvent<Raw>): Promise<IngestItem> {
    const { ingester, ingest } = setup();
    const [outcome] = await ingester.ingest([job(SHOP, event)]);
    expect(outcome.ok).toBe(true);
    return ingest.mock.calls[0][0][0];
  }

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
      occurredAt: at(MAX_CLOCK_SKEW_MS),
    });
    expect(skewed.record.updatedAt).toBe(at(MAX_CLOCK_SKEW_MS));
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
    const item = await ingestOne({ ...upsert('7'), occurredAt: at(MAX_CLOCK_SKEW_MS + 1) });
    expect(item.observedAt).toBe(RECEIVED_AT);
  });
});

/**
 * A flush the database cannot take at all (down, failing over, out of connections) goes back
 * to BullMQ whole, to be retried with backoff: splitting it into one write per record would
 * only send hundreds more transactions at a database that cannot take them.
 */
describe('WebhookEventIngester during a database outage', () => {
  /** What pg raises when the server goes away mid-flush (SQLSTATE class 08). */
  class ConnectionFailure extends Error {
    readonly code = '08006';
  }

  it('fails every job of the flush for a retry, after one attempt', async () => {
    const outage = new ConnectionFailure('Connection terminated unexpectedly');
    const { ingester, ingest } = setup({
      ingest: async () => {
        throw outage;
      },
    });
    const outcomes = await ingester.ingest(['1', '2', '3'].map((id) => job(SHOP, upsert(id))));
    expect(ingest).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([
      { ok: false, error: outage },
      { ok: false, error: outage },
      { ok: false, error: outage },
    ]);
    expect(outcomes.some((o) => !o.ok && o.error instanceof UnrecoverableError)).toBe(false);
  });
});
