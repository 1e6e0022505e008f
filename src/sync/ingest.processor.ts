import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { workerMetricsOptions } from '../metrics/worker-metrics-options';
import { JobLogContext } from '../queues/job-logging';
import { QueueName } from '../queues/queue-names';
import { ProfileStore } from '../profiles/store/profile-store.service';
import { IngestJobData, IngestResult } from '../profiles/ingest/ingest-job';

/** Batches in flight per worker process; PostgreSQL does the heavy lifting, two keeps both cores busy. */
const INGEST_CONCURRENCY = 2;

/**
 * Consumes the `ingest` queue: each job is one batch for `ProfileStore.ingest`. Malformed items
 * are rejected alone and returned in the job result; a database failure fails the job, which
 * BullMQ retries with backoff and, after the last attempt, leaves in the failed set for replay.
 */
@Processor(QueueName.Ingest, { concurrency: INGEST_CONCURRENCY, ...workerMetricsOptions })
export class IngestProcessor extends WorkerHost {
  private readonly logger = new Logger(IngestProcessor.name);

  constructor(
    private readonly store: ProfileStore,
    private readonly jobLogs: JobLogContext,
  ) {
    super();
  }

  process(job: Job<IngestJobData>): Promise<IngestResult> {
    return this.jobLogs.run(job, () => this.ingest(job));
  }

  private async ingest(job: Job<IngestJobData>): Promise<IngestResult> {
    const result = await this.store.ingest(job.data.items, job.data.cause);
    if (result.rejected.length > 0) {
      this.logger.warn(
        { jobId: job.id, rejected: result.rejected.length, first: result.rejected[0] },
        'ingest batch had rejected records',
      );
    }
    return result;
  }
}
