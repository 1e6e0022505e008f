import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { chunk } from '../common/collections/chunk';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import type {
  Connector,
  MappedRecord,
  ReadPage,
  SyncCursor,
} from '../connector-sdk/connector.types';
import { ConnectionsService } from '../connections/connections.service';
import { DeadLettersService } from '../dead-letters/dead-letters.service';
import {
  INGEST_BATCH_SIZE,
  INGEST_JOB_NAME,
  IngestItem,
  IngestJobData,
} from '../profiles/ingest/ingest-job';
import { QueueName } from '../queues/queue-names';
import { exceedsDeletionGuard, MassDeletionBlockedError } from './deletion-guard';
import { MapRecordsJobData, SyncJobName } from './sync-jobs';
import type { PageProgress, RecordError, SyncRun } from './sync-run';
import { SyncRunRepository } from './sync-run.repository';
import { VanishedRecordsRepository } from './vanished-records.repository';
import { mapVendorRecord } from '../connector-registry/map-vendor-record';

/** Ingest jobs hold whole pages of vendor payloads: keep few completed ones in Redis. */
const INGEST_JOB_OPTIONS: JobsOptions = { removeOnComplete: { age: 3600, count: 100 } };

/** Source records examined per deletion query in a full run. */
const VANISHED_PAGE = 5000;

/** What `vendorIdOf` answers for a record without a usable `id`. */
const UNKNOWN_VENDOR_ID = 'unknown';

/** Thrown when a run stops because it was cancelled or the worker is shutting down. */
export class SyncInterruptedError extends Error {
  constructor(readonly reason: 'cancelled' | 'shutdown') {
    super(`sync ${reason}`);
  }
}

/** Another execution of the same run checkpointed first: this one must stop without a trace. */
export class SyncSupersededError extends Error {
  constructor(runId: string) {
    super(`sync run ${runId} was resumed by another worker; this execution stops`);
  }
}

export interface MappedPage {
  items: IngestItem[];
  failures: { raw: unknown; error: RecordError }[];
}

/**
 * Runs one sync: reads the connection page by page, maps each record, queues the records in
 * `ingest` batches and checkpoints the cursor after each page is durably queued. Killed at
 * any point, the run resumes from the last checkpoint: the page in flight is read and queued
 * again under the same job ids (so BullMQ drops what was already queued) and the store's
 * idempotency absorbs anything delivered twice.
 */
@Injectable()
export class SyncEngine {
  private readonly logger = new Logger(SyncEngine.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly vanished: VanishedRecordsRepository,
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectorRegistry,
    private readonly deadLetters: DeadLettersService,
    @InjectQueue(QueueName.Ingest) private readonly ingestQueue: Queue<IngestJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * @throws SyncInterruptedError when cancelled or stopped; MassDeletionBlockedError when a
   * full run would delete too much (nothing was deleted); anything else is a failed attempt.
   */
  async run(run: SyncRun, signal: AbortSignal): Promise<void> {
    const opened = await this.connections.open(run.connectionId);
    const connector = this.registry.get(opened.connection.connector);
    if (!connector.read || !connector.mapIn) {
      throw new Error(`${connector.manifest.displayName} cannot read records`);
    }
    const ctx = this.connections.context(opened, signal);
    // A resumed run continues from its checkpoint; a fresh one from where the last run stopped.
    const cursor =
      run.progress.pages > 0 ? run.cursor : run.mode === 'full' ? null : run.startCursor;
    let pageNumber = run.progress.pages;
    let latestCursor = cursor;
    const findsDeletions =
      run.mode === 'full' && connector.manifest.capabilities.includes('deletes');
    // Counted before this run ingests anything, so the guard's base does not depend on how far
    // its batches were ingested when it looks (or looks again after a crash).
    const guarded = findsDeletions && !run.readFinishedAt && !run.allowMassDeletion;
    const held = guarded ? await this.heldRecords(run) : 0;

    // Resumed after its last page: reading again from the final cursor would start over for
    // some connectors (a full list), so go straight to what follows.
    if (!run.pagesReadAt) {
      for await (const page of connector.read(ctx, {
        mode: run.mode,
        cursor,
        lookBackMs: run.lookBackMs,
      })) {
        pageNumber += 1;
        const { cancelRequested } = await this.processPage(run, connector, page, pageNumber);
        latestCursor = page.cursor;
        if (cancelRequested) throw new SyncInterruptedError('cancelled');
        throwIfAborted(signal);
      }
      if ((await this.runs.markPagesRead(run, pageNumber)) === 'superseded') {
        throw new SyncSupersededError(run.id);
      }
    }

    // Deletions are what the read did not see: once the seen set is gone (below), queueing
    // them again would delete every record, so a run resumed past this point skips it.
    if (!run.readFinishedAt) {
      if (findsDeletions) {
        const judgedBefore = deletionsJudgedBefore(run, connector);
        if (guarded) await this.guardAgainstMassDeletion(run, held, judgedBefore);
        await this.queueDeletions(run, pageNumber, latestCursor, signal, judgedBefore);
      }
      await this.runs.finishReading(run.id);
    }
    if (findsDeletions) await this.vanished.forgetSeen(run.id);
    await this.runs.completeDrained(run.id);
  }

  /** Maps and queues one page, records its failures, then checkpoints. */
  private async processPage(
    run: SyncRun,
    connector: Connector,
    page: ReadPage,
    pageNumber: number,
  ): Promise<{ cancelRequested: boolean }> {
    // The page shows the records as they were when it was read: their observation time.
    const observedAt = new Date().toISOString();
    const { items, failures } = mapPage(run.connectionId, connector, page.records, observedAt);
    const batches = await this.queueBatches(run, items, `p${pageNumber}`);

    if (failures.length > 0) {
      await this.runs.recordErrors(
        run.id,
        failures.map((failure) => failure.error),
      );
      // Kept whole so a replay, after the connector is fixed, maps and ingests them.
      await this.deadLetters.record({
        queue: QueueName.Sync,
        jobName: SyncJobName.MapRecords,
        // The same failures met again (the page re-read after a crash) are stored once; a
        // re-read page whose records changed meanwhile gets a letter of its own.
        jobId: `map-${run.id}-p${pageNumber}-${rawContentKey(failures.map((f) => f.raw))}`,
        data: {
          connectionId: run.connectionId,
          syncRunId: run.id,
          records: failures.map((failure) => failure.raw),
          observedAt,
        } satisfies MapRecordsJobData,
        error: failures
          .map((failure) => `${failure.error.externalId}: ${failure.error.reason}`)
          .join('; '),
        attempts: 1,
        connectionId: run.connectionId,
        syncRunId: run.id,
        failedAt: new Date(),
      });
    }

    const progress: PageProgress = {
      pages: 1,
      recordsRead: page.records.length,
      recordsQueued: items.length,
      mapFailed: failures.length,
      deletionsQueued: 0,
      batchesQueued: batches,
    };
    const seen = run.mode === 'full' ? seenIds(items, failures) : [];
    const outcome = await this.runs.checkpoint(run, pageNumber - 1, page.cursor, progress, seen);
    if (outcome === 'superseded') throw new SyncSupersededError(run.id);
    return outcome;
  }

  /** The connection's live records when this run's read started: counted by its first attempt. */
  private async heldRecords(run: SyncRun): Promise<number> {
    if (run.heldRecords !== null) return run.heldRecords;
    return this.runs.recordHeldRecords(run.id, await this.vanished.countHeld(run.connectionId));
  }

  /**
   * Refuses a deletion pass that would delete more than the configured share of what the
   * connection held (runs the admin allowed it skip this). Decides alike on every attempt:
   * the base is the snapshot taken when the read started, and what is left to delete only
   * shrinks as the deletions of an attempt that passed are ingested.
   * @throws MassDeletionBlockedError before anything is queued.
   */
  private async guardAgainstMassDeletion(
    run: SyncRun,
    held: number,
    judgedBefore: Date,
  ): Promise<void> {
    // Deletions already queued: an earlier attempt passed (perhaps under other settings).
    if (run.progress.deletionsQueued > 0) return;
    const vanished = await this.vanished.count(run.connectionId, run.id, judgedBefore);
    const { maxDeleteFraction, deleteGuardMinRecords } = this.config.sync;
    const plan = { vanished, held };
    if (
      exceedsDeletionGuard(plan, {
        maxFraction: maxDeleteFraction,
        minRecords: deleteGuardMinRecords,
      })
    ) {
      throw new MassDeletionBlockedError(plan, maxDeleteFraction);
    }
  }

  /**
   * Full runs: what the vendor no longer returns was deleted there. Each deletion is dated
   * just after the version held, so a later restore at the vendor (newer `updatedAt`) wins.
   */
  private async queueDeletions(
    run: SyncRun,
    pages: number,
    cursor: SyncCursor | null,
    signal: AbortSignal,
    judgedBefore: Date,
  ): Promise<void> {
    let after = '';
    for (;;) {
      throwIfAborted(signal);
      const vanished = await this.vanished.page(
        run.connectionId,
        run.id,
        judgedBefore,
        after,
        VANISHED_PAGE,
      );
      if (vanished.length === 0) break;
      after = vanished[vanished.length - 1].externalId;
      const observedAt = new Date().toISOString();
      const items: IngestItem[] = vanished.map((record) => ({
        connectionId: run.connectionId,
        record: deletionOf(record.externalId, record.vendorUpdatedAt),
        observedAt,
      }));
      const batches = await this.queueBatches(run, items, 'del');
      const outcome = await this.runs.checkpoint(run, pages, cursor, {
        pages: 0,
        recordsRead: 0,
        recordsQueued: 0,
        mapFailed: 0,
        deletionsQueued: items.length,
        batchesQueued: batches,
      });
      if (outcome === 'superseded') throw new SyncSupersededError(run.id);
    }
    this.logger.log({ runId: run.id }, 'full sync: vanished records queued as deletions');
  }

  /**
   * Queues items in store-sized batches under ids derived from the run, the page and the
   * content, so re-queuing after a crash is a no-op. @returns the number of batches.
   */
  private async queueBatches(run: SyncRun, items: IngestItem[], label: string): Promise<number> {
    const jobs = chunk(items, INGEST_BATCH_SIZE).map((batch) => ({
      name: INGEST_JOB_NAME,
      data: { cause: { kind: 'sync' as const, syncRunId: run.id }, items: batch },
      opts: { ...INGEST_JOB_OPTIONS, jobId: `${run.id}-${label}-${contentKey(batch)}` },
    }));
    if (jobs.length > 0) await this.ingestQueue.addBulk(jobs);
    return jobs.length;
  }
}

/**
 * Maps each record alone: one that `mapIn` cannot handle fails by itself. `observedAt` is when
 * the page was read (see IngestItem).
 */
export function mapPage(
  connectionId: string,
  connector: Pick<Connector, 'mapIn' | 'manifest'>,
  records: readonly unknown[],
  observedAt?: string,
): MappedPage {
  const items: IngestItem[] = [];
  const failures: MappedPage['failures'] = [];
  for (const raw of records) {
    try {
      const record = mapVendorRecord(connector, raw);
      items.push(
        observedAt ? { connectionId, record, raw, observedAt } : { connectionId, record, raw },
      );
    } catch (error) {
      failures.push({
        raw,
        error: { externalId: vendorIdOf(raw), reason: `mapIn failed: ${(error as Error).message}` },
      });
    }
  }
  return { items, failures };
}

/**
 * Vendor ids a full run's page returned. Records `mapIn` refused count too: the vendor still
 * has them, so the deletion pass must not take them for deleted (their earlier version stays).
 */
function seenIds(items: IngestItem[], failures: MappedPage['failures']): string[] {
  const unmapped = failures
    .map((failure) => failure.error.externalId)
    .filter((id) => id !== UNKNOWN_VENDOR_ID);
  return [...items.map((item) => item.record.externalId), ...unmapped];
}

/**
 * Only records received before this can be taken for deleted when a full read did not return
 * them: later ones came in (by webhook) while the run was reading, after their page may have
 * been read, or so shortly before it that the vendor's full read could not show them yet
 * (`manifest.fullReadLagSeconds`).
 */
function deletionsJudgedBefore(run: SyncRun, connector: Pick<Connector, 'manifest'>): Date {
  const readStartedAt = run.startedAt ?? new Date();
  return new Date(readStartedAt.getTime() - (connector.manifest.fullReadLagSeconds ?? 0) * 1000);
}

function deletionOf(externalId: string, heldVersion: Date): MappedRecord {
  return {
    externalId,
    updatedAt: new Date(heldVersion.getTime() + 1).toISOString(),
    deleted: true,
    traits: {},
  };
}

/** Best guess at a vendor id for an error listing, when mapping failed before we knew it. */
function vendorIdOf(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : UNKNOWN_VENDOR_ID;
}

function contentKey(items: IngestItem[]): string {
  const hash = createHash('sha256');
  for (const item of items)
    hash.update(`${item.record.externalId}\u0000${item.record.updatedAt}\u0000`);
  return hash.digest('base64url').slice(0, 16);
}

function rawContentKey(records: unknown[]): string {
  const hash = createHash('sha256');
  for (const raw of records) hash.update(`${JSON.stringify(raw)}\u0000`);
  return hash.digest('base64url').slice(0, 16);
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw new SyncInterruptedError(signal.reason === 'shutdown' ? 'shutdown' : 'cancelled');
}
