import type { SyncCursor } from '../connector-sdk/connector.types';

export const SYNC_MODES = ['incremental', 'full'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export const SYNC_TRIGGERS = ['manual', 'schedule'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export const SYNC_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Statuses a run can still leave; a connection has at most one run in them. */
export const ACTIVE_SYNC_STATUSES: readonly SyncStatus[] = ['queued', 'running'];

/** Counters of one run. Read-side counters are checkpointed with the cursor; ingest ones per batch. */
export interface SyncProgress {
  pages: number;
  recordsRead: number;
  recordsQueued: number;
  /** Records `mapIn` could not map (listed in the run's errors and dead letters). */
  mapFailed: number;
  /** Full runs: source records the vendor no longer returns, queued as deletions. */
  deletionsQueued: number;
  batchesQueued: number;
  batchesDone: number;
  /** New or newer versions written to the profile store. */
  ingested: number;
  /** Same content as already stored: skipped. */
  unchanged: number;
  /** Older than the version already stored: ignored. */
  stale: number;
  /** Matched an erased person: dropped. */
  suppressed: number;
  /** Refused by the store's validation. */
  rejected: number;
}

/** One sync run as stored in `sync_run`. */
export interface SyncRun {
  id: string;
  connectionId: string;
  mode: SyncMode;
  trigger: SyncTrigger;
  /**
   * The job in charge of the run when it is not the run's own (`runJobId`): the scheduler tick
   * that started a scheduled run, or the dead-letter replay that reopened a failed one.
   */
  triggerKey: string | null;
  status: SyncStatus;
  lookBackMs: number;
  /** Full runs: the admin allowed deleting past the mass-deletion guard. */
  allowMassDeletion: boolean;
  /**
   * Full runs of a connector that reports deletions: the live source records the connection
   * had when the read started, the base the mass-deletion guard measures against.
   */
  heldRecords: number | null;
  startCursor: SyncCursor | null;
  cursor: SyncCursor | null;
  progress: SyncProgress;
  attempts: number;
  cancelRequested: boolean;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  /** When the connector's last page was read; deletions may still have been queueing. */
  pagesReadAt: Date | null;
  readFinishedAt: Date | null;
  finishedAt: Date | null;
}

/** Read-side counters added at each checkpoint. */
export type PageProgress = Pick<
  SyncProgress,
  'pages' | 'recordsRead' | 'recordsQueued' | 'mapFailed' | 'deletionsQueued' | 'batchesQueued'
>;

export interface RecordError {
  externalId: string;
  reason: string;
}
