import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { MappedRecord, WebhookEvent } from '../connector-sdk/connector.types';
import { mapVendorRecord } from '../connector-registry/map-vendor-record';
import { HttpRequestError } from '../connector-sdk/errors';
import { isBeyondClockSkew } from '../profiles/ingest/believable-time';
import type { IngestCause, IngestItem } from '../profiles/ingest/ingest-job';
import { ProfileStore } from '../profiles/store/profile-store.service';
import { isTransientError } from '../sync/transient-error';
import type { Settled } from './micro-batcher';
import { WebhookConnections } from './webhook-connections';
import type { WebhookJobData, WebhookJobResult } from './webhook-job';

/** One record to write, and the jobs (positions in the flush) it settles. */
interface Entry {
  item: IngestItem;
  jobs: number[];
}

type Outcome = Settled<WebhookJobResult>;

const INGESTED: Outcome = { ok: true, value: { outcome: 'ingested' } };

/**
 * Turns a flush of webhook events (one per queue job) into profile-store writes: full records
 * are mapped with the connector's `mapIn`, deletions become tombstones, and id-only events are
 * fetched in one `connector.fetch` call per connection. Everything then goes to
 * `ProfileStore.ingest` in one call. Each job gets its own outcome, so a bad record fails alone:
 * `UnrecoverableError` where retrying cannot help (unmappable, rejected by the store), a plain
 * error where it can (database or vendor unavailable), which BullMQ retries with backoff.
 */
@Injectable()
export class WebhookEventIngester {
  private readonly logger = new Logger(WebhookEventIngester.name);

  constructor(
    private readonly store: ProfileStore,
    private readonly registry: ConnectorRegistry,
    private readonly connections: WebhookConnections,
  ) {}

  async ingest(jobs: readonly WebhookJobData[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array<Outcome>(jobs.length);
    const entries: Entry[] = [];
    const toFetch = new Map<string, number[]>();
    jobs.forEach((job, index) => {
      if (job.event.kind === 'fetch') {
        const list = toFetch.get(job.connectionId);
        if (list) list.push(index);
        else toFetch.set(job.connectionId, [index]);
        return;
      }
      try {
        entries.push({ item: this.toItem(job), jobs: [index] });
      } catch (error) {
        outcomes[index] = failed(unrecoverable(job, error));
      }
    });
    const fetched = await Promise.all(
      [...toFetch].map(([connectionId, indexes]) =>
        this.fetchRecords(connectionId, indexes, jobs, outcomes),
      ),
    );
    entries.push(...fetched.flat());
    await this.write(entries, jobs, outcomes);
    for (let i = 0; i < outcomes.length; i += 1) {
      outcomes[i] ??= failed(new Error('The webhook batch produced no outcome for this event'));
    }
    return outcomes;
  }

  /** An event that carries everything: the record itself, or a deletion. */
  private toItem(job: WebhookJobData): IngestItem {
    const { event } = job;
    if (event.kind === 'delete') {
      const record: MappedRecord = {
        externalId: event.externalId,
        // The deletion is a version of the record like any other: it must win over the
        // versions before it and lose to a later re-creation.
        updatedAt: eventTime(job),
        deleted: true,
        traits: {},
      };
      return { connectionId: job.connectionId, record, observedAt: eventTime(job) };
    }
    if (event.record === undefined) throw new Error(`${event.kind} event carries no record`);
    const record = mapVendorRecord(this.registry.get(job.connector), event.record);
    return {
      connectionId: job.connectionId,
      record,
      raw: event.record,
      observedAt: eventTime(job),
    };
  }

  /**
   * One batched `fetch` for a connection's id-only events. Ids the vendor no longer returns
   * are skipped: the contract cannot tell "deleted" from "not visible yet", and deletions
   * arrive as their own events.
   */
  private async fetchRecords(
    connectionId: string,
    indexes: number[],
    jobs: readonly WebhookJobData[],
    outcomes: Outcome[],
  ): Promise<Entry[]> {
    const failAll = (error: Error) => {
      for (const index of indexes) outcomes[index] = failed(error);
      return [];
    };
    let records: Map<string, IngestItem>;
    const mappingErrors: string[] = [];
    try {
      const target = await this.connections.get(connectionId);
      if (!target) return failAll(new UnrecoverableError(`Connection ${connectionId} is gone`));
      const { connector } = target;
      if (!connector.fetch || !connector.mapIn) {
        return failAll(
          new UnrecoverableError(`Connector ${connector.manifest.name} cannot fetch records`),
        );
      }
      const ids = [...new Set(indexes.map((index) => jobs[index].event.externalId))];
      // What the vendor returns is its state when asked.
      const fetchedAt = new Date().toISOString();
      const raws = await connector.fetch(target.context(), ids);
      records = new Map();
      for (const raw of raws) {
        try {
          const record = mapVendorRecord(connector, raw);
          records.set(record.externalId, { connectionId, record, raw, observedAt: fetchedAt });
        } catch (error) {
          mappingErrors.push((error as Error).message);
        }
      }
    } catch (error) {
      // A vendor 4xx (revoked token, bad request) will not heal by itself: dead-letter it.
      const permanent = error instanceof HttpRequestError && !error.retryable;
      return failAll(
        permanent ? new UnrecoverableError((error as Error).message) : (error as Error),
      );
    }

    const entries = new Map<string, Entry>();
    const missing: string[] = [];
    for (const index of indexes) {
      const externalId = jobs[index].event.externalId;
      const fetchedItem = records.get(externalId);
      if (fetchedItem) {
        const entry = entries.get(externalId);
        const item = withAliases(entry?.item ?? fetchedItem, jobs[index].event.alsoKnownAs);
        if (entry) {
          entry.jobs.push(index);
          entry.item = item;
        } else entries.set(externalId, { item, jobs: [index] });
      } else if (mappingErrors.length > 0) {
        // Which fetched record failed to map is unknown (it has no id we can trust), so
        // every unmatched event fails with the mapping error rather than being skipped.
        outcomes[index] = failed(
          new UnrecoverableError(`A fetched record could not be mapped: ${mappingErrors[0]}`),
        );
      } else {
        missing.push(externalId);
        outcomes[index] = {
          ok: true,
          value: { outcome: 'skipped', reason: 'the vendor no longer returns this record' },
        };
      }
    }
    if (missing.length > 0) {
      this.logger.warn(
        { connectionId, missing: missing.length, ids: missing.slice(0, 20) },
        'webhook events for records the vendor no longer returns were skipped',
      );
    }
    return [...entries.values()];
  }

  /**
   * One `ProfileStore.ingest` for the whole flush. If it fails as a whole because of its data,
   * each record is written alone, so one bad record cannot hold back the rest.
   */
  private async write(
    entries: Entry[],
    jobs: readonly WebhookJobData[],
    outcomes: Outcome[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const settle = (entry: Entry, outcome: Outcome) => {
      for (const index of entry.jobs) outcomes[index] = outcome;
    };
    try {
      const result = await this.store.ingest(
        entries.map((entry) => entry.item),
        causeOf(entries, jobs),
      );
      const rejected = new Map(result.rejected.map((r) => [r.index, r.reason]));
      entries.forEach((entry, i) => {
        const reason = rejected.get(i);
        settle(
          entry,
          reason === undefined
            ? INGESTED
            : failed(new UnrecoverableError(`The profile store rejected the record: ${reason}`)),
        );
      });
    } catch (error) {
      // A database that is down or overloaded fails every record the same way: hand the whole
      // flush back to BullMQ's backoff rather than pressing on with one write per record.
      if (entries.length === 1 || isTransientError(error)) {
        for (const entry of entries) settle(entry, failed(error as Error));
        return;
      }
      this.logger.warn(
        { records: entries.length, error: (error as Error).message },
        'webhook batch failed as a whole; writing its records one by one',
      );
      for (const entry of entries) await this.write([entry], jobs, outcomes);
    }
  }
}

/**
 * The store takes one cause per call. A flush mixes deliveries, so the delivery id is kept
 * only when all its records came in one delivery; the change log still names each record.
 */
function causeOf(entries: Entry[], jobs: readonly WebhookJobData[]): IngestCause {
  const deliveries = new Set(entries.flatMap((entry) => entry.jobs.map((i) => jobs[i].deliveryId)));
  return deliveries.size === 1
    ? { kind: 'webhook', deliveryId: [...deliveries][0] }
    : { kind: 'webhook' };
}

/** The item with `aliases` added to its record's identifiers (an event's `alsoKnownAs`). */
function withAliases(item: IngestItem, aliases: WebhookEvent['alsoKnownAs']): IngestItem {
  if (!aliases || aliases.length === 0) return item;
  const identifiers = [...(item.record.identifiers ?? [])];
  for (const alias of aliases) {
    if (!identifiers.some((known) => known.type === alias.type && known.value === alias.value)) {
      identifiers.push(alias);
    }
  }
  return { ...item, record: { ...item.record, identifiers } };
}

function failed(error: Error): Outcome {
  return { ok: false, error };
}

function unrecoverable(job: WebhookJobData, error: unknown): UnrecoverableError {
  return new UnrecoverableError(
    `Cannot map ${job.connector} ${job.event.kind} event for record ${job.event.externalId}: ${(error as Error).message}`,
  );
}

/**
 * When the vendor saw the event's version: its trigger time where the delivery carries one
 * (Shopify's X-Shopify-Triggered-At, to the nanosecond), else when Syncline received it. A
 * trigger time too far ahead of the receipt is not believed (isBeyondClockSkew): some come from
 * headers the signature does not cover (Shopify signs only the body).
 */
function eventTime(job: WebhookJobData): string {
  const { occurredAt } = job.event;
  if (occurredAt === undefined) return job.receivedAt;
  const forged = isBeyondClockSkew(Date.parse(occurredAt), Date.parse(job.receivedAt));
  return forged ? job.receivedAt : occurredAt;
}
