import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { ReplayMarker } from '../dead-letters/dead-letter';
import { workerMetricsOptions } from '../metrics/worker-metrics-options';
import {
  addIngestResult,
  emptyIngestResult,
  INGEST_CONCURRENCY,
  INGEST_JOB_NAME,
  IngestItem,
  IngestJobData,
  IngestResult,
} from '../profiles/ingest/ingest-job';
import { ProfileStore } from '../profiles/store/profile-store.service';
import { DatabaseOutageRetry } from '../queues/database-outage';
import { isFinalAttempt } from '../queues/job-attempts';
import { JobLogContext } from '../queues/job-logging';
import { QueueName } from '../queues/queue-names';
import { SyncRunRepository } from './sync-run.repository';
import { isTransientError } from './transient-error';

type IngestJob = Job<IngestJobData & ReplayMarker>;

/**
 * Consumes the `ingest` queue: each job is one batch for `ProfileStore.ingest`. Records the
 * store refuses are rejected alone and listed on their sync run. When a batch fails because
 * of its data, the batch is split: every record is tried alone, and each one that still
 * fails becomes its own job, retried with backoff and dead-lettered at the end, so one bad
 * record never holds back the 499 others. Other transient failures (a deadlock, a lost
 * race) fail the whole job, which BullMQ retries; while the database is unreachable the job
 * waits for it without spending an attempt (DatabaseOutageRetry).
 */
@Processor(QueueName.Ingest, { concurrency: INGEST_CONCURRENCY, ...workerMetricsOptions })
export class IngestProcessor extends WorkerHost {
  private readonly logger = new Logger(IngestProcessor.name);

  constructor(
    private readonly store: ProfileStore,
    private readonly runs: SyncRunRepository,
    private readonly jobLogs: JobLogContext,
    private readonly outage: DatabaseOutageRetry,
    @InjectQueue(QueueName.Ingest) private readonly queue: Queue<IngestJobData>,
  ) {
    super();
  }

  process(job: IngestJob, token?: string): Promise<IngestResult> {
    return this.jobLogs.run(job, () => this.outage.run(job, token, () => this.ingest(job, token)));
  }

  private async ingest(job: IngestJob, token: string | undefined): Promise<IngestResult> {
    const runId = this.accountableRun(job);
    let result: IngestResult;
    try {
      result = await this.store.ingest(job.data.items, job.data.cause);
    } catch (error) {
      // Before splitting or listing anything: an unreachable database says nothing of the batch.
      await this.outage.waitIfUnreachable(job, token, error);
      if (job.data.items.length > 1 && !isTransientError(error)) {
        result = await this.isolateFailures(job, runId);
      } else {
        if (runId && isFinalAttempt(job)) await this.listFailure(runId, job.data.items, error);
        throw error;
      }
    }
    if (result.rejected.length > 0) {
      this.logger.warn(
        { rejected: result.rejected.length, first: result.rejected[0] },
        'ingest batch had rejected records',
      );
    }
    if (runId) {
      await this.runs.recordErrors(
        runId,
        result.rejected.map((r) => ({ externalId: r.externalId, reason: r.reason })),
      );
      await this.runs.recordBatch(runId, String(job.id), result);
      await this.runs.completeDrained(runId);
    }
    return result;
  }

  /** Ingests each record alone; queues the ones that fail as single-record jobs. */
  private async isolateFailures(job: IngestJob, runId: string | null): Promise<IngestResult> {
    const total = emptyIngestResult();
    const failed: { index: number; item: IngestItem }[] = [];
    for (const [index, item] of job.data.items.entries()) {
      try {
        addIngestResult(total, await this.store.ingest([item], job.data.cause));
      } catch (error) {
        // The whole job waits or retries: the database failed, not this record.
        if (isTransientError(error)) throw error;
        failed.push({ index, item });
        this.logger.warn(
          { err: error, externalId: item.record.externalId },
          'record failed alone; queued for retry',
        );
      }
    }
    if (runId) await this.runs.addBatches(runId, `${job.id}-split`, failed.length);
    // The records of a replayed batch stay a replay: their run stopped waiting for them when
    // the batch was dead-lettered, and counting them again could end it before its real batches.
    const replay: ReplayMarker = job.data.replayOf ? { replayOf: job.data.replayOf } : {};
    await this.queue.addBulk(
      failed.map(({ index, item }) => ({
        name: INGEST_JOB_NAME,
        data: { cause: job.data.cause, items: [item], ...replay },
        opts: { jobId: `${job.id}-r${index}` },
      })),
    );
    return total;
  }

  private async listFailure(runId: string, items: IngestItem[], error: unknown): Promise<void> {
    const reason = `ingest failed: ${(error as Error).message}`;
    await this.runs.recordErrors(
      runId,
      items.map((item) => ({ externalId: item.record.externalId, reason })),
    );
  }

  /** Sync batches count towards their run; replays of dead letters come after the run ended. */
  private accountableRun(job: IngestJob): string | null {
    return job.data.replayOf ? null : (job.data.cause.syncRunId ?? null);
  }
}
