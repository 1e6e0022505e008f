import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ServiceUnavailableError,
} from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ConnectionsService } from '../connections/connections.service';

import { QueueName } from '../queues/queue-names';
import { runJobId, RunSyncJobData, SyncJobName } from './sync-jobs';
import type { RecordError, SyncMode, SyncRun, SyncTrigger } from './sync-run';
import { SyncAlreadyActiveError } from './sync-errors';
import { MAX_ERRORS_PER_RUN, SyncRunRepository } from './sync-run.repository';

/** BullMQ states of a job no worker is running. */
const IDLE_JOB_STATES: readonly string[] = ['waiting', 'delayed', 'prioritized'];

export interface TriggerOptions {
  mode: SyncMode;
  trigger: SyncTrigger;
  /** Overrides SYNC_LOOKBACK_SECONDS for this run (incremental only). */
  lookBackMs?: number;
  /** Full only: delete what the vendor no longer returns even past the mass-deletion guard. */
  allowMassDeletion?: boolean;
}

/** Starting, listing and cancelling sync runs; the worker's `SyncProcessor` runs them. */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly connections: ConnectionsService,
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates a queued run and its job.
   * @throws SyncAlreadyActiveError (409) while another run of the connection is active.
   */
  async trigger(connectionId: string, options: TriggerOptions): Promise<SyncRun> {
    if (options.allowMassDeletion && options.mode !== 'full') {
      throw new InvalidInputError([
        { field: 'allowMassDeletion', message: 'only full syncs delete records: send mode "full"' },
      ]);
    }
    const { connection } = await this.connections.openInstalled(connectionId);
    if (!connection.enabled) {
      throw new ConflictError(`Connection ${connectionId} is disabled; enable it to sync`);
    }
    if (connection.direction === 'push') {
      throw new ConflictError(`Connection ${connectionId} only pushes (direction "push")`);
    }
    const outcome = await this.runs.create({
      connectionId,
      mode: options.mode,
      trigger: options.trigger,
      lookBackMs:
        options.mode === 'incremental' ? (options.lookBackMs ?? this.config.sync.lookBackMs) : 0,
      allowMassDeletion: options.allowMassDeletion ?? false,
    });
    if ('active' in outcome) throw new SyncAlreadyActiveError(outcome.active.id);
    const run = outcome.created;
    try {
      await this.queue.add(
        SyncJobName.Run,
        { runId: run.id, connectionId } satisfies RunSyncJobData & { connectionId: string },
        { jobId: runJobId(run.id) },
      );
    } catch (error) {
      // Never leave a queued run without a job: it would block the connection's next sync.
      await this.runs.fail(run.id, `Could not queue the sync: ${(error as Error).message}`);
      this.logger.error({ err: error, runId: run.id }, 'could not queue a sync run');
      throw new ServiceUnavailableError('The job queue (Redis) is unavailable; try again shortly');
    }
    return run;
  }

  async list(connectionId: string, limit: number, cursor?: string): Promise<Page<SyncRun>> {
    await this.connections.get(connectionId);
    const rows = await this.runs.list(connectionId, limit + 1, decodeCursor(cursor));
    return toPage(rows, limit, (run) => run);
  }

  async get(runId: string): Promise<{ run: SyncRun; errors: RecordError[] }> {
    // A run whose last batch was dead-lettered completes on read rather than on the next sweep.
    await this.runs.completeDrained(runId);
    const run = await this.runs.findById(runId);
    if (!run) throw new NotFoundError(`No sync run with id ${runId}`);
    return { run, errors: await this.runs.errors(runId, MAX_ERRORS_PER_RUN) };
  }

  /**
   * A queued run is cancelled at once, and so is a running one waiting for a retry; one being
   * read stops after its current page.
   */
  async cancel(runId: string): Promise<SyncRun> {
    const run = await this.runs.requestCancel(runId);
    if (!run) throw new NotFoundError(`No sync run with id ${runId}`);
    if (run.status === 'cancelled') {
      // Best effort: the worker also skips a cancelled run's job if it is already taken.
      await this.queue.remove(run.triggerKey ?? runJobId(runId)).catch(() => undefined);
    } else if (run.cancelRequested && !run.readFinishedAt && (await this.dropIdleJob(run))) {
      // No worker holds it (its job was waiting out a backoff): nothing will stop it but us,
      // and it would block the connection's next sync until its retry came.
      await this.runs.markCancelled(runId);
      return (await this.runs.findById(runId)) ?? run;
    }
    return run;
  }

  /**
   * Removes the run's job if it is waiting (for its turn or a retry) rather than being worked
   * on. A job in any other state stays: an active one is locked, and a failed one belongs to
   * the dead letters. @returns whether it was removed.
   */
  private async dropIdleJob(run: SyncRun): Promise<boolean> {
    const jobId = run.triggerKey ?? runJobId(run.id);
    const job = await this.queue.getJob(jobId);
    if (!job || !IDLE_JOB_STATES.includes(await job.getState())) return false;
    // Atomic in Redis: a job a worker took meanwhile is locked and not removed (0).
    return (await this.queue.remove(jobId).catch(() => 0)) === 1;
  }
}
