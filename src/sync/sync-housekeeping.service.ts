import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeadLetterSweeper } from '../dead-letters/dead-letter-sweeper';
import { ClusterLease } from '../queues/cluster-lease';
import { LostSyncRuns } from './lost-sync-runs';
import { SyncRunRepository } from './sync-run.repository';
import { SyncSchedules } from './sync-schedules.service';

const SWEEP_EVERY_MS = 5_000;
const RECONCILE_EVERY_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Finished runs (with their errors) are kept this long. */
export const SYNC_RUN_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Periodic upkeep of the sync path, in worker processes. Each task takes a cluster-wide lease
 * for its period, so N replicas do it once.
 */
@Injectable()
export class SyncHousekeeping {
  private readonly logger = new Logger(SyncHousekeeping.name);

  constructor(
    private readonly lease: ClusterLease,
    private readonly sweeper: DeadLetterSweeper,
    private readonly runs: SyncRunRepository,
    private readonly schedules: SyncSchedules,
    private readonly lostRuns: LostSyncRuns,
  ) {}

  /** Failed jobs → dead letters; runs whose last batch was dead-lettered → completed. */
  @Interval(SWEEP_EVERY_MS)
  sweep(): Promise<void> {
    return this.guarded('sweep', SWEEP_EVERY_MS, async () => {
      await this.sweeper.sweep();
      await this.runs.completeDrained();
    });
  }

  @Interval(RECONCILE_EVERY_MS)
  reconcile(): Promise<void> {
    return this.guarded('reconcile', RECONCILE_EVERY_MS, async () => {
      await this.schedules.reconcile();
      await this.lostRuns.failLost();
    });
  }

  @Interval(PRUNE_EVERY_MS)
  prune(): Promise<void> {
    return this.guarded('prune', PRUNE_EVERY_MS, async () => {
      const pruned = await this.runs.pruneFinished(SYNC_RUN_RETENTION_MS);
      if (pruned > 0) this.logger.log({ pruned }, 'old sync runs pruned');
    });
  }

  private async guarded(task: string, periodMs: number, work: () => Promise<void>): Promise<void> {
    try {
      // Slightly shorter than the period, so the next tick on any replica can take it again.
      if (!(await this.lease.acquire(`housekeeping:${task}`, periodMs - 500))) return;
      await work();
    } catch (error) {
      this.logger.error({ err: error, task }, 'housekeeping task failed; retrying next period');
    }
  }
}
