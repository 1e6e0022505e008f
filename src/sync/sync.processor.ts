import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { HttpRequestError } from '../connector-sdk/errors';
import { ConnectionsService } from '../connections/connections.service';
import type { ReplayMarker } from '../dead-letters/dead-letter';
import { workerMetricsOptions } from '../metrics/worker-metrics-options';
import { ProfileStore } from '../profiles/store/profile-store.service';
import { DatabaseOutageRetry } from '../queues/database-outage';
import { isFinalAttempt } from '../queues/job-attempts';
import { JobLogContext } from '../queues/job-logging';
import { runWithLock } from '../queues/worker-lock';
import { QueueName } from '../queues/queue-names';
import { MassDeletionBlockedError } from './deletion-guard';
import { mapPage, SyncEngine, SyncInterruptedError, SyncSupersededError } from './sync-engine';
import { MapRecordsJobData, RunSyncJobData, ScheduledSyncJobData, SyncJobName } from './sync-jobs';
import { SyncRunRepository } from './sync-run.repository';

/** Syncs in flight per worker process; each mostly waits on the vendor's rate limit. */
const SYNC_CONCURRENCY = 4;
/** How often a running sync checks whether an admin cancelled it. */
const CANCEL_POLL_MS = 1000;

type SyncJob = Job<(RunSyncJobData | ScheduledSyncJobData | MapRecordsJobData) & ReplayMarker>;

export interface SyncJobResult {
  runId?: string;
  outcome: 'finished' | 'cancelled' | 'skipped' | 'mapped' | 'blocked';
  reason?: string;
}

/**
 * Consumes the `sync` queue. A worker killed mid-sync loses its job lock after JOB_LOCK_MS;
 * BullMQ then hands the job to another worker, which resumes the run from its checkpoint. On
 * a graceful shutdown running syncs stop at the next page and go back to the queue at once.
 * While PostgreSQL is unreachable a sync job waits for it without spending an attempt, and
 * its run stays queued or running: once the database is back it resumes from its checkpoint.
 */
@Processor(QueueName.Sync, {
  concurrency: SYNC_CONCURRENCY,
  // Started in onApplicationBootstrap, once the lock settings from the config are applied.
  autorun: false,
  // Resuming from a checkpoint is safe, so a run survives several worker deaths.
  maxStalledCount: 5,
  ...workerMetricsOptions,
})
export class SyncProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(SyncProcessor.name);
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly runs: SyncRunRepository,
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectorRegistry,
    private readonly store: ProfileStore,
    private readonly jobLogs: JobLogContext,
    private readonly outage: DatabaseOutageRetry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    runWithLock(this.worker, this.config.jobs.lockMs, (error) =>
      this.logger.error({ err: error }, 'sync worker stopped'),
    );
  }

  beforeApplicationShutdown(): void {
    for (const controller of this.running) controller.abort('shutdown');
  }

  process(job: SyncJob, token?: string): Promise<SyncJobResult> {
    return this.jobLogs.run(job, () =>
      this.outage.run(job, token, async () => {
        switch (job.name) {
          case SyncJobName.Run:
            return this.runOwnJob(job, token, (job.data as RunSyncJobData).runId);
          case SyncJobName.Scheduled:
            return this.runScheduled(job, token);
          case SyncJobName.MapRecords:
            return this.mapRecords(job.data as MapRecordsJobData);
          default:
            throw new UnrecoverableError(`Unknown sync job "${job.name}"`);
        }
      }),
    );
  }

  /**
   * A schedule tick: one incremental run, unless the connection already has one active. A tick
   * replayed from the dead letters is a tick like any other: its run starts from the cursor the
   * failed run last checkpointed into the connection.
   */
  private async runScheduled(job: SyncJob, token?: string): Promise<SyncJobResult> {
    const data = job.data as ScheduledSyncJobData;
    const unreadable = await this.whyNotReadable(data.connectionId);
    if (unreadable) return { outcome: 'skipped', reason: unreadable };
    const outcome = await this.runs.create({
      connectionId: data.connectionId,
      mode: data.mode,
      trigger: 'schedule',
      triggerKey: String(job.id),
      lookBackMs: data.mode === 'incremental' ? this.config.sync.lookBackMs : 0,
    });
    if ('active' in outcome && outcome.active.triggerKey !== String(job.id)) {
      return { runId: outcome.active.id, outcome: 'skipped', reason: 'another sync is active' };
    }
    const run = 'created' in outcome ? outcome.created : outcome.active;
    return this.runSync(job, token, run.id);
  }

  /**
   * The job of a run made through the API. Replayed from the dead letters, it first puts the
   * failed run back in the queue; a tick's replay instead makes a run of its own (runScheduled).
   */
  private async runOwnJob(
    job: SyncJob,
    token: string | undefined,
    runId: string,
  ): Promise<SyncJobResult> {
    if (job.data.replayOf) {
      // Replayed later, perhaps much later: the connection may no longer be one to read.
      const run = await this.runs.findById(runId);
      const unreadable = run ? await this.whyNotReadable(run.connectionId) : 'run deleted';
      if (unreadable) return { runId, outcome: 'skipped', reason: unreadable };
      if (!(await this.runs.reopen(runId, String(job.id)))) {
        return {
          runId,
          outcome: 'skipped',
          reason: 'run is not failed, or another sync is active',
        };
      }
    }
    return this.runSync(job, token, runId);
  }

  /**
   * Why a job that was not triggered through the API just now must not read the connection,
   * as `SyncService.trigger` would refuse it; null when it may.
   */
  private async whyNotReadable(connectionId: string): Promise<string | null> {
    const connection = await this.connections.findIfExists(connectionId);
    if (!connection) return 'connection deleted';
    if (!connection.enabled) return 'connection disabled';
    if (connection.direction === 'push') return 'connection only pushes (direction "push")';
    return null;
  }

  private async runSync(
    job: SyncJob,
    token: string | undefined,
    runId: string,
  ): Promise<SyncJobResult> {
    const run = await this.runs.start(runId);
    if (!run) {
      await this.runs.markCancelled(runId);
      return { runId, outcome: 'skipped', reason: 'run already finished or cancelled' };
    }
    const controller = new AbortController();
    this.running.add(controller);
    const poll = setInterval(() => {
      this.runs
        .isCancelRequested(runId)
        .then((cancelled) => cancelled && controller.abort('cancelled'))
        .catch(() => undefined);
    }, CANCEL_POLL_MS);
    try {
      await this.engine.run(run, controller.signal);
      return { runId, outcome: 'finished' };
    } catch (error) {
      if (error instanceof MassDeletionBlockedError) {
        // Final, not retried: another attempt would find the same records missing. The admin
        // reads why on the run and either fixes the connection or allows the deletions.
        await this.runs.fail(runId, error.message);
        this.logger.warn({ runId, ...error.plan }, 'full sync blocked by the mass-deletion guard');
        return { runId, outcome: 'blocked', reason: error.message };
      }
      if (error instanceof SyncSupersededError) {
        // Another worker took the job over (this one was judged stalled): it owns the run now.
        this.logger.warn({ runId }, error.message);
        return { runId, outcome: 'skipped', reason: error.message };
      }
      if (controller.signal.aborted || error instanceof SyncInterruptedError) {
        if (controller.signal.reason === 'shutdown' && token) {
          // Back to the queue without spending an attempt; another worker resumes it.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        await this.runs.markCancelled(runId);
        return { runId, outcome: 'cancelled' };
      }
      // Not an attempt of the run: it waits, still running, for the database (which could not
      // record an attempt error or a failure anyway) and resumes from its checkpoint.
      await this.outage.waitIfUnreachable(job, token, error);
      const message = (error as Error).message;
      // A vendor's 4xx (bad credentials, missing scope) will not heal by retrying.
      const hopeless = error instanceof HttpRequestError && !error.retryable;
      if (hopeless || isFinalAttempt(job)) {
        await this.runs.fail(runId, message);
        if (hopeless) throw new UnrecoverableError(message);
      } else {
        await this.runs.recordAttemptError(runId, message);
      }
      throw error;
    } finally {
      clearInterval(poll);
      this.running.delete(controller);
    }
  }

  /** Replayed records whose mapping failed during a sync: map them again and ingest. */
  private async mapRecords(data: MapRecordsJobData): Promise<SyncJobResult> {
    const { connection } = await this.connections.open(data.connectionId);
    const connector = this.registry.get(connection.connector);
    const { items, failures } = mapPage(
      data.connectionId,
      connector,
      data.records,
      data.observedAt,
    );
    if (items.length > 0) await this.store.ingest(items, { kind: 'manual' });
    if (failures.length > 0) {
      throw new Error(
        failures
          .map((failure) => `${failure.error.externalId}: ${failure.error.reason}`)
          .join('; '),
      );
    }
    return { outcome: 'mapped' };
  }
}
