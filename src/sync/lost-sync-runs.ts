import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { hasUnfinishedJob } from '../queues/unfinished-jobs';
import { runJobId } from './sync-jobs';
import { SyncRun } from './sync-run';
import { SyncRunRepository } from './sync-run.repository';

/** States in which a run's own job is still going to run (or is running). */
const LIVE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

/**
 * Ends active runs whose queued work vanished from Redis (a Redis restarted without
 * persistence, a flush, a job removed by hand). Such a run would stay active for good, and an
 * active run blocks its connection: no schedule tick or new sync starts while it lasts.
 */
@Injectable()
export class LostSyncRuns {
  private readonly logger = new Logger(LostSyncRuns.name);

  constructor(
    private readonly runs: SyncRunRepository,
    @InjectQueue(QueueName.Sync) private readonly syncQueue: Queue,
    @InjectQueue(QueueName.Ingest) private readonly ingestQueue: Queue,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'jobs'>,
  ) {}

  /**
   * Judges runs untouched for four job locks (every live job touches its run well within
   * that): a run still reading needs its own job; a run done reading needs an unfinished
   * ingest batch. Records whose batches were lost are read again by the next run: the
   * connection's cursor goes back to where the lost run started.
   * @returns the ids of the runs it failed.
   */
  async failLost(): Promise<string[]> {
    const idleMs = this.config.jobs.lockMs * 4;
    const failed: string[] = [];
    for (const run of await this.runs.findIdleActive(idleMs)) {
      const reason = await this.lostReason(run);
      if (reason === undefined) continue;
      const lostBatches = await this.runs.unfinishedBatches(run.id);
      const message =
        lostBatches > 0
          ? `${reason}, and ${lostBatches} of its ${run.progress.batchesQueued} ingest batches were lost before being stored; the next sync reads their records again`
          : `${reason}; trigger a new sync to resume`;
      // Batches are lost only if none is left to finish: an unfinished one may still store its
      // records (a run done reading got here because none is left).
      const rewind =
        lostBatches > 0 && (run.readFinishedAt !== null || !(await this.hasIngestBatches(run)));
      if (!(await this.runs.failLost(run.id, message, idleMs, rewind))) continue;
      failed.push(run.id);
      this.logger.warn({ runId: run.id, lostBatches, rewound: rewind }, 'lost sync run failed');
    }
    return failed;
  }

  /**
   * Why the run can no longer finish, or undefined while something can still finish it. The
   * key scan for its ingest batches runs only for a run done reading that is not complete.
   */
  private async lostReason(run: SyncRun): Promise<string | undefined> {
    if (!run.readFinishedAt) {
      const job = await this.syncQueue.getJob(run.triggerKey ?? runJobId(run.id));
      const state = job ? await job.getState() : 'missing';
      return LIVE_JOB_STATES.includes(state) ? undefined : `The run's job is ${state}`;
    }
    // Its last batch may have finished since the sweep that would have completed it.
    if ((await this.runs.completeDrained(run.id)).length > 0) return undefined;
    if (await this.hasIngestBatches(run)) return undefined;
    return 'The run finished reading but its ingest batches are gone from the queue';
  }

  /** Ingest job ids start with their run's id (SyncEngine.queueBatches, split retries). */
  private hasIngestBatches(run: SyncRun): Promise<boolean> {
    return hasUnfinishedJob(this.ingestQueue, `${run.id}-`);
  }
}
