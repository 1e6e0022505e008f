import type { MappedRecord } from '../../connector-sdk/connector.types';

/** Why records arrive; copied onto every change-log row they cause. */
export interface IngestCause {
  kind: 'sync' | 'webhook' | 'manual';
  syncRunId?: string;
  deliveryId?: string;
}

/** One vendor record from one connection, as `mapIn` produced it. */
export interface IngestItem {
  connectionId: string;
  record: MappedRecord;
  /** The vendor payload, kept on the source record for export and debugging. */
  raw?: unknown;
  /**
   * When this version was seen, ISO 8601: the time a sync read its page, or the vendor's
   * trigger time of a webhook (else its arrival). Orders two different versions that carry the
   * same vendor `updatedAt`, which second-precision vendors produce: the later observation is
   * the later state. Not part of the content: the same record seen twice is still identical.
   */
  observedAt?: string;
}

/**
 * The payload of a job on the `ingest` queue (QueueName.Ingest). The sync and webhook paths
 * enqueue this shape; the worker hands it to `ProfileStore.ingest`. Keep batches at or
 * below `INGEST_BATCH_SIZE` items: larger ones are split, each part its own transaction.
 */
export interface IngestJobData {
  cause: IngestCause;
  items: IngestItem[];
}

/** Job name used on the ingest queue. */
export const INGEST_JOB_NAME = 'ingest-batch';

/** Records per transaction: big enough to amortise round trips, small enough to keep locks short. */
export const INGEST_BATCH_SIZE = 500;

/**
 * Ingest batches in flight per worker process. Each batch alternates between Node (validation,
 * normalization, resolution, encoding) and PostgreSQL; with two in flight both sides idled
 * while the other worked (Node ~75 %, PostgreSQL ~60 % of the two cores). Four keep both
 * busy: 14.5k → 15.9k records/s in the ingest bench (docs/benchmarks.md).
 */
export const INGEST_CONCURRENCY = 4;

/** What one `ingest` call did; returned as the job's result. */
export interface IngestResult {
  received: number;
  /** New or newer versions stored. */
  applied: number;
  /** Same content hash as the stored version: no-op. */
  unchanged: number;
  /** Older than the stored version: ignored. */
  stale: number;
  /** Matches an erased person's suppression hash: dropped. */
  suppressed: number;
  /** Items that failed validation, each alone; the rest of the batch went in. */
  rejected: { index: number; connectionId: string; externalId: string; reason: string }[];
  profilesCreated: number;
  profilesMerged: number;
  conflicts: number;
}

export function emptyIngestResult(): IngestResult {
  return {
    received: 0,
    applied: 0,
    unchanged: 0,
    stale: 0,
    suppressed: 0,
    rejected: [],
    profilesCreated: 0,
    profilesMerged: 0,
    conflicts: 0,
  };
}

/** Adds `part` into `total` (results of several `ingest` calls over one job). */
export function addIngestResult(total: IngestResult, part: IngestResult): void {
  total.received += part.received;
  total.applied += part.applied;
  total.unchanged += part.unchanged;
  total.stale += part.stale;
  total.suppressed += part.suppressed;
  total.rejected.push(...part.rejected);
  total.profilesCreated += part.profilesCreated;
  total.profilesMerged += part.profilesMerged;
  total.conflicts += part.conflicts;
}
