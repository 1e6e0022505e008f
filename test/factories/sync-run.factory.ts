import type { SyncRun } from '../../src/sync/sync-run';

export const SYNC_RUN_CONNECTION_ID = '11111111-1111-4111-8111-111111111111';

/** A running full run of a connector that reports deletions, as the repository returns it. */
export function buildSyncRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    connectionId: SYNC_RUN_CONNECTION_ID,
    mode: 'full',
    trigger: 'manual',
    triggerKey: null,
    status: 'running',
    lookBackMs: 0,
    allowMassDeletion: false,
    heldRecords: null,
    startCursor: null,
    cursor: null,
    progress: {
      pages: 0,
      recordsRead: 0,
      recordsQueued: 0,
      mapFailed: 0,
      deletionsQueued: 0,
      batchesQueued: 0,
      batchesDone: 0,
      ingested: 0,
      unchanged: 0,
      stale: 0,
      suppressed: 0,
      rejected: 0,
    },
    attempts: 1,
    cancelRequested: false,
    error: null,
    queuedAt: new Date('2026-01-01T00:00:00Z'),
    startedAt: new Date('2026-01-01T00:00:01Z'),
    pagesReadAt: null,
    readFinishedAt: null,
    finishedAt: null,
    ...overrides,
  };
}
