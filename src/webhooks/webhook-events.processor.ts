import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { storage } from 'nestjs-pino/storage';
import { workerMetricsOptions } from '../metrics/worker-metrics-options';
import { DatabaseOutageRetry } from '../queues/database-outage';
import { JobLogContext } from '../queues/job-logging';
import { QueueName } from '../queues/queue-names';
import { MicroBatcher } from './micro-batcher';
import { WebhookEventIngester } from './webhook-event-ingester';
import type { WebhookJobData, WebhookJobResult } from './webhook-job';

/** Records per `ProfileStore.ingest` call (the store's own transaction size). */
export const WEBHOOK_BATCH_SIZE = 500;
/** The longest an event waits for its batch to fill. */
export const WEBHOOK_BATCH_WAIT_MS = 20;
/**
 * `ProfileStore.ingest` calls in flight per worker process. PostgreSQL does the heavy lifting
 * (two keep both cores busy, like the ingest queue's two), and each call holds a pooled
 * connection for its transaction: unbounded, concurrent flushes would exhaust the pool.
 */
export const WEBHOOK_WRITES_IN_FLIGHT = 2;
/**
 * Jobs in hand per worker process: each waits in the batcher for its batch, so it takes
 * this many to keep the writes busy and the next batch filling.
 */
export const WEBHOOK_CONCURRENCY = (WEBHOOK_WRITES_IN_FLIGHT + 1) * WEBHOOK_BATCH_SIZE;

/**
 * Consumes the `webhooks` queue. One job per event keeps deduplication, retries and dead
 * letters per event; the micro-batcher regroups them so the profile store and the vendor
 * (for id-only events) see batches, not single records. A flush that fails because PostgreSQL
 * is unreachable fails each of its jobs with that error: each one then waits for the database
 * without spending an attempt (DatabaseOutageRetry), so no event is dead-lettered by an outage.
 */
@Processor(QueueName.Webhooks, { concurrency: WEBHOOK_CONCURRENCY, ...workerMetricsOptions })
export class WebhookEventsProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly batcher: MicroBatcher<WebhookJobData, WebhookJobResult>;

  constructor(
    ingester: WebhookEventIngester,
    private readonly jobLogs: JobLogContext,
    private readonly outage: DatabaseOutageRetry,
  ) {
    super();
    // A flush serves many jobs: run it outside the first job's log context so its lines are
    // not attributed to that one job.
    this.batcher = new MicroBatcher((items) => storage.exit(() => ingester.ingest(items)), {
      maxItems: WEBHOOK_BATCH_SIZE,
      maxWaitMs: WEBHOOK_BATCH_WAIT_MS,
      maxConcurrent: WEBHOOK_WRITES_IN_FLIGHT,
    });
  }

  process(job: Job<WebhookJobData>, token?: string): Promise<WebhookJobResult> {
    return this.jobLogs.run(job, () =>
      this.outage.run(job, token, () => this.batcher.submit(job.data)),
    );
  }

  /**
   * Runs before the application's shutdown hooks close the database: stop taking jobs and let
   * the ones in hand finish through the batcher, then flush whatever is left.
   */
  async onModuleDestroy(): Promise<void> {
    await this.startedWorker()?.close();
    await this.batcher.close();
  }

  private startedWorker(): Worker | undefined {
    try {
      return this.worker;
    } catch {
      // Start-up failed before BullMQ created the worker: no job is in hand.
      return undefined;
    }
  }
}
