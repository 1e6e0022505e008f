import { isUuid } from '../common/ids/is-uuid';

/** A job (or an unmappable record) that exhausted its retries, kept with its payload for replay. */
export interface DeadLetter {
  id: string;
  queue: string;
  jobName: string;
  jobId: string | null;
  data: unknown;
  error: string;
  attempts: number;
  connectionId: string | null;
  syncRunId: string | null;
  failedAt: Date;
  createdAt: Date;
  replayedAt: Date | null;
  replayJobId: string | null;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'createdAt' | 'replayedAt' | 'replayJobId'>;

/** Added to the data of a replayed job, so its consumer can tell a replay from a first delivery. */
export interface ReplayMarker {
  replayOf?: string;
}

/**
 * Which connection and sync run a job belongs to, read from the conventions job payloads
 * follow: a top-level `connectionId` / `syncRunId`, an ingest `cause.syncRunId`, or the
 * connection of the first ingest item.
 */
export function jobOwner(data: unknown): { connectionId: string | null; syncRunId: string | null } {
  const payload = (data ?? {}) as {
    connectionId?: unknown;
    syncRunId?: unknown;
    runId?: unknown;
    cause?: { syncRunId?: unknown };
    items?: { connectionId?: unknown }[];
  };
  const connectionId = payload.connectionId ?? payload.items?.[0]?.connectionId;
  const syncRunId = payload.syncRunId ?? payload.runId ?? payload.cause?.syncRunId;
  return {
    connectionId: isUuid(connectionId) ? connectionId : null,
    syncRunId: isUuid(syncRunId) ? syncRunId : null,
  };
}
