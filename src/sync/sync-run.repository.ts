import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { queryRows, queryRowsOn } from '../database/query-rows';
import type { KeysetPosition, Positioned } from '../common/pagination/cursor';
import {
  KEYSET_AT,
  KeysetRow,
  keysetTimestampSql,
  withPositions,
} from '../common/pagination/keyset-query';
import type { SyncCursor } from '../connector-sdk/connector.types';
import { storableText } from '../dead-letters/storable-payload';
import type { IngestResult } from '../profiles/ingest/ingest-job';
import type {
  PageProgress,
  RecordError,
  SyncMode,
  SyncRun,
  SyncStatus,
  SyncTrigger,
} from './sync-run';

interface SyncRunRow {
  id: string;
  connection_id: string;
  mode: SyncMode;
  trigger: SyncTrigger;
  trigger_key: string | null;
  status: SyncStatus;
  look_back_ms: number;
  allow_mass_deletion: boolean;
  held_records: number | null;
  start_cursor: SyncCursor | null;
  cursor: SyncCursor | null;
  pages: number;
  records_read: number;
  records_queued: number;
  map_failed: number;
  deletions_queued: number;
  batches_queued: number;
  batches_done: number;
  ingested: number;
  unchanged: number;
  stale: number;
  suppressed: number;
  rejected: number;
  attempts: number;
  cancel_requested: boolean;
  error: string | null;
  queued_at: Date;
  started_at: Date | null;
  pages_read_at: Date | null;
  read_finished_at: Date | null;
  finished_at: Date | null;
}

export interface NewSyncRun {
  connectionId: string;
  mode: SyncMode;
  trigger: SyncTrigger;
  /** Scheduler tick id; a second attempt of the same tick finds the run instead of adding one. */
  triggerKey?: string;
  lookBackMs: number;
  /** Full runs only: delete past the mass-deletion guard. */
  allowMassDeletion?: boolean;
}

export type CreateRunOutcome = { created: SyncRun } | { active: SyncRun };

/** Reasons are shown to admins; vendor messages can be long. */
const MAX_REASON_LENGTH = 500;
/**
 * Batches of run `r` that are settled: ingested, or dead-lettered (a replay dead-lettered again
 * is not one of those: its batch was counted the first time).
 */
const SETTLED_BATCHES = `(r.batches_done + (SELECT count(*) FROM dead_letter d
   WHERE d.sync_run_id = r.id AND d.queue = 'ingest' AND d.data -> 'replayOf' IS NULL))`;

/** A run keeps its first errors; past that, counters still count but the list stops growing. */
export const MAX_ERRORS_PER_RUN = 1000;

/** The store of sync runs, their checkpoints and errors, and each connection's saved cursor. */
@Injectable()
export class SyncRunRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts a queued run unless the connection already has an active one (or the tick has a run). */
  async create(run: NewSyncRun): Promise<CreateRunOutcome> {
    const inserted = await queryRowsOn<SyncRunRow>(
      this.db,
      `INSERT INTO sync_run (connection_id, mode, trigger, trigger_key, status, look_back_ms,
                             allow_mass_deletion, start_cursor)
       VALUES ($1, $2, $3, $4, 'queued', $5, $6,
               (SELECT cursor FROM connection_sync_state WHERE connection_id = $1))
       ON CONFLICT DO NOTHING
       RETURNING *`,
      [
        run.connectionId,
        run.mode,
        run.trigger,
        run.triggerKey ?? null,
        run.lookBackMs,
        run.allowMassDeletion ?? false,
      ],
    );
    if (inserted[0]) return { created: toSyncRun(inserted[0]) };
    const existing =
      (run.triggerKey ? await this.findByTriggerKey(run.triggerKey) : null) ??
      (await this.findActive(run.connectionId));
    if (existing) return { active: existing };
    // The active run finished between our insert and our look-up: try once more.
    return this.create(run);
  }

  async findById(id: string): Promise<SyncRun | null> {
    const [row] = await queryRowsOn<SyncRunRow>(this.db, `SELECT * FROM sync_run WHERE id = $1`, [
      id,
    ]);
    return row ? toSyncRun(row) : null;
  }

  async findByTriggerKey(key: string): Promise<SyncRun | null> {
    const [row] = await queryRowsOn<SyncRunRow>(
      this.db,
      `SELECT * FROM sync_run WHERE trigger_key = $1`,
      [key],
    );
    return row ? toSyncRun(row) : null;
  }

  async findActive(connectionId: string): Promise<SyncRun | null> {
    const [row] = await queryRowsOn<SyncRunRow>(
      this.db,
      `SELECT * FROM sync_run WHERE connection_id = $1 AND status IN ('queued', 'running')`,
      [connectionId],
    );
    return row ? toSyncRun(row) : null;
  }

  /** Newest first, keyset-paginated on (queued_at, id). */
  async list(
    connectionId: string,
    limit: number,
    after?: KeysetPosition,
  ): Promise<Positioned<SyncRun>[]> {
    const params: unknown[] = [connectionId, limit];
    if (after) params.push(after.at, after.id);
    const rows = await queryRowsOn<SyncRunRow & KeysetRow>(
      this.db,
      `SELECT *, ${keysetTimestampSql('queued_at')} AS ${KEYSET_AT} FROM sync_run
       WHERE connection_id = $1 ${after ? 'AND (queued_at, id) < ($3::timestamptz, $4::uuid)' : ''}
       ORDER BY queued_at DESC, id DESC LIMIT $2`,
      params,
    );
    return withPositions(rows, toSyncRun);
  }

  async errors(runId: string, limit: number): Promise<RecordError[]> {
    const rows = await this.db.query<{ external_id: string; reason: string }[]>(
      `SELECT external_id, reason FROM sync_run_error WHERE run_id = $1
       ORDER BY occurred_at, external_id LIMIT $2`,
      [runId, limit],
    );
    return rows.map((row) => ({ externalId: row.external_id, reason: row.reason }));
  }

  /**
   * Marks the run running for one more attempt. Returns null when it must not run: it was
   * cancelled, or it already finished (a duplicate delivery of its job).
   */
  async start(runId: string): Promise<SyncRun | null> {
    const [row] = await queryRowsOn<SyncRunRow>(
      this.db,
      `UPDATE sync_run SET status = 'running', started_at = coalesce(started_at, now()),
              attempts = attempts + 1, error = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested
       RETURNING *`,
      [runId],
    );
    return row ? toSyncRun(row) : null;
  }

  /**
   * Saves the position after a page whose records are durably queued, with the page's
   * counters and (full runs) the vendor ids it returned, in one transaction: a run resumed
   * from here neither skips nor double-counts. The cursor also becomes the connection's, so
   * the next run continues from it even if this one fails later.
   *
   * `pagesBefore` is the page count this execution believes the run has: if another
   * execution of the same run (a worker wrongly judged dead) moved it on, nothing is written.
   * @returns whether an admin asked to cancel the run meanwhile, or 'superseded'.
   */
  async checkpoint(
    run: Pick<SyncRun, 'id' | 'connectionId'>,
    pagesBefore: number,
    cursor: SyncCursor | null,
    progress: PageProgress,
    seenExternalIds: readonly string[] = [],
  ): Promise<{ cancelRequested: boolean } | 'superseded'> {
    return this.db.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      const [row] = await queryRows<{ cancel_requested: boolean }>(
        runner,
        `UPDATE sync_run SET cursor = $2, pages = pages + $3, records_read = records_read + $4,
                records_queued = records_queued + $5, map_failed = map_failed + $6,
                deletions_queued = deletions_queued + $7, batches_queued = batches_queued + $8,
                updated_at = now()
         WHERE id = $1 AND pages = $9 RETURNING cancel_requested`,
        [
          run.id,
          cursor === null ? null : JSON.stringify(cursor),
          progress.pages,
          progress.recordsRead,
          progress.recordsQueued,
          progress.mapFailed,
          progress.deletionsQueued,
          progress.batchesQueued,
          pagesBefore,
        ],
      );
      if (!row) return 'superseded';
      if (seenExternalIds.length > 0) {
        await runner.query(
          `INSERT INTO sync_run_seen (run_id, external_id)
           SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [run.id, seenExternalIds.map(storableText)],
        );
      }
      await runner.query(
        `INSERT INTO connection_sync_state (connection_id, cursor, last_run_id, updated_at)
         VALUES ($1, $2, $3, now())
         ON CONFLICT (connection_id) DO UPDATE
           SET cursor = excluded.cursor, last_run_id = excluded.last_run_id, updated_at = now()`,
        [run.connectionId, cursor === null ? null : JSON.stringify(cursor), run.id],
      );
      return { cancelRequested: row.cancel_requested };
    });
  }

  async isCancelRequested(runId: string): Promise<boolean> {
    const [row] = await this.db.query<{ cancel_requested: boolean }[]>(
      `SELECT cancel_requested FROM sync_run WHERE id = $1`,
      [runId],
    );
    return row?.cancel_requested ?? true;
  }

  /** Record-level failures, listed on the run; the first reason for a vendor id is kept. */
  async recordErrors(runId: string, errors: readonly RecordError[]): Promise<void> {
    if (errors.length === 0) return;
    await this.db.query(
      `INSERT INTO sync_run_error (run_id, external_id, reason)
       SELECT $1, e.external_id, e.reason
       FROM unnest($2::text[], $3::text[]) AS e (external_id, reason)
       WHERE (SELECT count(*) FROM sync_run_error WHERE run_id = $1) < $4
       ON CONFLICT (run_id, external_id) DO NOTHING`,
      [
        runId,
        errors.map((e) => storableText(e.externalId)),
        errors.map((e) => storableText(e.reason.slice(0, MAX_REASON_LENGTH))),
        MAX_ERRORS_PER_RUN,
      ],
    );
  }

  /**
   * Adds one ingest batch's outcome to the run's counters, once per job however often the
   * job is delivered (the batch table remembers which jobs were counted).
   */
  async recordBatch(runId: string, jobId: string, result: IngestResult): Promise<void> {
    await this.db.query(
      `WITH counted AS (
         INSERT INTO sync_run_batch (run_id, job_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING run_id
       )
       UPDATE sync_run SET batches_done = batches_done + 1, ingested = ingested + $3,
              unchanged = unchanged + $4, stale = stale + $5, suppressed = suppressed + $6,
              rejected = rejected + $7, updated_at = now()
       WHERE id = (SELECT run_id FROM counted)`,
      [
        runId,
        jobId,
        result.applied,
        result.unchanged,
        result.stale,
        result.suppressed,
        result.rejected.length,
      ],
    );
  }

  /**
   * A batch was split into single-record jobs: the run waits for those too. Counted once per
   * `splitKey` however often the split is retried.
   */
  async addBatches(runId: string, splitKey: string, count: number): Promise<void> {
    await this.db.query(
      `WITH counted AS (
         INSERT INTO sync_run_batch (run_id, job_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING run_id
       )
       UPDATE sync_run SET batches_queued = batches_queued + $3, updated_at = now()
       WHERE id = (SELECT run_id FROM counted)`,
      [runId, splitKey, count],
    );
  }

  /**
   * Puts a failed run back in the queue (its dead-lettered job is being replayed as `jobId`),
   * keeping its checkpoint. The replay job becomes the run's job (`trigger_key`), so a retry
   * of that job finds the run it reopened still its own, and the lost-job check looks at it.
   * @returns false when the run is neither failed nor reopened by this job, or another run
   * of the connection is active meanwhile.
   */
  async reopen(runId: string, jobId: string): Promise<boolean> {
    try {
      const rows = await queryRowsOn<{ id: string }>(
        this.db,
        `UPDATE sync_run SET status = CASE WHEN status = 'failed' THEN 'queued' ELSE status END,
                finished_at = NULL, trigger_key = $2, updated_at = now()
         WHERE id = $1
           AND (status = 'failed' OR (status IN ('queued', 'running') AND trigger_key = $2))
         RETURNING id`,
        [runId, jobId],
      );
      return rows.length > 0;
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505')
        return false;
      throw error;
    }
  }

  /**
   * Records that the connector returned its last page, so a resumed execution goes straight
   * to what follows. Guarded like `checkpoint`: nothing is written (and 'superseded' returned)
   * if another execution of the run moved it on.
   */
  async markPagesRead(
    run: Pick<SyncRun, 'id'>,
    pagesBefore: number,
  ): Promise<'marked' | 'superseded'> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `UPDATE sync_run SET pages_read_at = now(), updated_at = now()
       WHERE id = $1 AND pages = $2 RETURNING id`,
      [run.id, pagesBefore],
    );
    return rows.length > 0 ? 'marked' : 'superseded';
  }

  /**
   * Keeps the first count of the connection's held records a full run took (when its read
   * started); a later attempt's count is ignored. @returns the count kept.
   */
  async recordHeldRecords(runId: string, held: number): Promise<number> {
    const [row] = await queryRowsOn<{ held_records: number }>(
      this.db,
      `UPDATE sync_run SET held_records = coalesce(held_records, $2), updated_at = now()
       WHERE id = $1 RETURNING held_records`,
      [runId, held],
    );
    return row?.held_records ?? held;
  }

  async finishReading(runId: string): Promise<void> {
    await this.db.query(
      `UPDATE sync_run SET read_finished_at = now(), updated_at = now() WHERE id = $1`,
      [runId],
    );
  }

  /**
   * Ends runs that finished reading once every batch they queued was ingested or dead-lettered
   * (a replay dead-lettered again is not one of those: its batch was counted the first time).
   * Called after each batch and periodically; safe to call from any number of processes.
   * @returns the ids of the runs it completed.
   */
  async completeDrained(runId?: string): Promise<string[]> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `UPDATE sync_run r SET status = 'succeeded', finished_at = now(), updated_at = now()
       WHERE r.status = 'running' AND r.read_finished_at IS NOT NULL
         AND ($1::uuid IS NULL OR r.id = $1)
         AND ${SETTLED_BATCHES} >= r.batches_queued
       RETURNING r.id`,
      [runId ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** Keeps the error of a failed attempt visible while the job waits for its retry. */
  async recordAttemptError(runId: string, error: string): Promise<void> {
    await this.db.query(`UPDATE sync_run SET error = $2, updated_at = now() WHERE id = $1`, [
      runId,
      storableText(error.slice(0, MAX_REASON_LENGTH)),
    ]);
  }

  async fail(runId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE sync_run SET status = 'failed', error = $2, finished_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [runId, storableText(error.slice(0, MAX_REASON_LENGTH))],
    );
  }

  /**
   * Cancels a queued run at once; a running one is flagged and stops at its next page. A run
   * already finished keeps what it recorded (a cancel asked again changes nothing).
   * @returns the run after the change, or null when it does not exist.
   */
  async requestCancel(runId: string): Promise<SyncRun | null> {
    const [row] = await queryRowsOn<SyncRunRow>(
      this.db,
      `UPDATE sync_run SET
         cancel_requested = cancel_requested OR status IN ('queued', 'running'),
         status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
         finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [runId],
    );
    return row ? toSyncRun(row) : null;
  }

  async markCancelled(runId: string): Promise<void> {
    await this.db.query(
      `UPDATE sync_run SET status = 'cancelled', finished_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [runId],
    );
  }

  /** Batches the run queued that were neither ingested nor dead-lettered yet. */
  async unfinishedBatches(runId: string): Promise<number> {
    const [row] = await queryRowsOn<{ unfinished: number }>(
      this.db,
      `SELECT (r.batches_queued - ${SETTLED_BATCHES})::int AS unfinished
         FROM sync_run r WHERE r.id = $1`,
      [runId],
    );
    return Math.max(0, row?.unfinished ?? 0);
  }

  /**
   * Fails an active run whose queued work vanished, if it is still untouched for `idleMs` (a
   * batch that finished meanwhile keeps it alive). With `rewindCursor`, records it read were
   * lost before being stored: the connection's cursor, which moved past them, goes back to
   * where the run started reading (the start for a full run), unless a later run has moved it
   * since, so the next run reads them again. @returns whether the run was failed.
   */
  async failLost(
    runId: string,
    reason: string,
    idleMs: number,
    rewindCursor: boolean,
  ): Promise<boolean> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `WITH failed AS (
         UPDATE sync_run SET status = 'failed', error = $2, finished_at = now(), updated_at = now()
          WHERE id = $1 AND status IN ('queued', 'running')
            AND updated_at < now() - make_interval(secs => $3::double precision / 1000)
         RETURNING id, connection_id, mode, start_cursor
       ), rewound AS (
         UPDATE connection_sync_state s
            SET cursor = CASE WHEN f.mode = 'full' THEN NULL ELSE f.start_cursor END,
                updated_at = now()
           FROM failed f
          WHERE $4 AND s.connection_id = f.connection_id AND s.last_run_id = f.id
       )
       SELECT id FROM failed`,
      [runId, storableText(reason.slice(0, MAX_REASON_LENGTH)), idleMs, rewindCursor],
    );
    return rows.length > 0;
  }

  /** Active runs not touched for `idleMs`: candidates for the lost-job check. */
  async findIdleActive(idleMs: number): Promise<SyncRun[]> {
    const rows = await queryRowsOn<SyncRunRow>(
      this.db,
      `SELECT * FROM sync_run WHERE status IN ('queued', 'running')
         AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
       LIMIT 100`,
      [idleMs],
    );
    return rows.map(toSyncRun);
  }

  /** Deletes finished runs (with their errors and bookkeeping) older than `ageMs`. */
  async pruneFinished(ageMs: number): Promise<number> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `DELETE FROM sync_run WHERE id IN (
         SELECT id FROM sync_run WHERE finished_at < now() - make_interval(secs => $1::double precision / 1000)
         LIMIT 10000)
       RETURNING id`,
      [ageMs],
    );
    return rows.length;
  }
}

function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    connectionId: row.connection_id,
    mode: row.mode,
    trigger: row.trigger,
    triggerKey: row.trigger_key,
    status: row.status,
    lookBackMs: row.look_back_ms,
    allowMassDeletion: row.allow_mass_deletion,
    heldRecords: row.held_records,
    startCursor: row.start_cursor,
    cursor: row.cursor,
    progress: {
      pages: row.pages,
      recordsRead: row.records_read,
      recordsQueued: row.records_queued,
      mapFailed: row.map_failed,
      deletionsQueued: row.deletions_queued,
      batchesQueued: row.batches_queued,
      batchesDone: row.batches_done,
      ingested: row.ingested,
      unchanged: row.unchanged,
      stale: row.stale,
      suppressed: row.suppressed,
      rejected: row.rejected,
    },
    attempts: row.attempts,
    cancelRequested: row.cancel_requested,
    error: row.error,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    pagesReadAt: row.pages_read_at,
    readFinishedAt: row.read_finished_at,
    finishedAt: row.finished_at,
  };
}
