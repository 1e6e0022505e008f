import type { SyncMode } from './sync-run';

/** Job names on the `sync` queue. */
export const SyncJobName = {
  /** Runs (or resumes) one sync run created through the API. */
  Run: 'sync-run',
  /** A schedule tick: creates an incremental run for the connection, unless one is active. */
  Scheduled: 'scheduled-sync',
  /** Vendor records whose `mapIn` failed, replayed from the dead letters: map and ingest them. */
  MapRecords: 'map-records',
} as const;

export interface RunSyncJobData {
  runId: string;
}

export interface ScheduledSyncJobData {
  connectionId: string;
  mode: SyncMode;
}

export interface MapRecordsJobData {
  connectionId: string;
  syncRunId?: string;
  records: unknown[];
  /** When the sync read them (ISO 8601): a replay ingests them as seen then, not now. */
  observedAt?: string;
}

/** BullMQ job id of a run's job: one job per run, so a double enqueue is a no-op. */
export function runJobId(runId: string): string {
  return `run-${runId}`;
}

/** BullMQ job scheduler id of a connection's schedule. */
export function scheduleId(connectionId: string): string {
  return `connection-${connectionId}`;
}
