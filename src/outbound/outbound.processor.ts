import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { workerMetricsOptions } from '../metrics/worker-metrics-options';
import { DatabaseOutageRetry } from '../queues/database-outage';
import { JobLogContext } from '../queues/job-logging';
import { runWithLock } from '../queues/worker-lock';
import { QueueName } from '../queues/queue-names';
import { MicroBatcher } from '../webhooks/micro-batcher';
import { EraseOutcome, ErasePropagator } from './erase-propagator.service';
import { OutboundJobData, OutboundJobName } from './outbound-jobs';
import { ProfilePusher, PushOutcome } from './profile-pusher.service';

/**
 * Jobs in flight per worker. High on purpose: each job only waits for its batch, so many
 * jobs let one destination's writes be batched (HubSpot and Zendesk take 100 per call).
 */
const OUTBOUND_CONCURRENCY = 100;
/** How long a batch may wait for more profiles of the same destination. */
const BATCH_WAIT_MS = 20;
const MAX_BATCH = 100;

/**
 * Consumes the `outbound` queue. A profile the destination rejects (4xx) fails its own job
 * without retries and lands in the dead letters; transient failures retry with backoff. While
 * PostgreSQL is unreachable a job waits for it without spending an attempt (DatabaseOutageRetry).
 */
@Processor(QueueName.Outbound, {
  concurrency: OUTBOUND_CONCURRENCY,
  // Started in onApplicationBootstrap with the lock settings from the config.
  autorun: false,
  ...workerMetricsOptions,
})
export class OutboundProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(OutboundProcessor.name);
  private readonly batchers = new Map<string, MicroBatcher<string, PushOutcome>>();

  constructor(
    private readonly pusher: ProfilePusher,
    private readonly eraser: ErasePropagator,
    private readonly jobLogs: JobLogContext,
    private readonly outage: DatabaseOutageRetry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    runWithLock(this.worker, this.config.jobs.lockMs, (error) =>
      this.logger.error({ err: error }, 'outbound worker stopped'),
    );
  }

  process(job: Job<OutboundJobData>, token?: string): Promise<PushOutcome | EraseOutcome> {
    return this.jobLogs.run(job, () => this.outage.run(job, token, () => this.handle(job)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((batcher) => batcher.close()));
  }

  private async handle(job: Job<OutboundJobData>): Promise<PushOutcome | EraseOutcome> {
    const { connectionId, profileId } = job.data;
    if (job.name === OutboundJobName.Erase) return this.eraser.erase(connectionId, profileId);
    if (job.name !== OutboundJobName.Push) {
      throw new UnrecoverableError(`Unknown outbound job "${job.name}"`);
    }
    const outcome = await this.batcher(connectionId).submit(profileId);
    if (outcome.kind === 'rejected') {
      throw new UnrecoverableError(`Destination refused the profile: ${outcome.error}`);
    }
    if (outcome.kind === 'retry') throw new Error(`Write failed: ${outcome.error}`);
    return outcome;
  }

  private batcher(connectionId: string): MicroBatcher<string, PushOutcome> {
    let batcher = this.batchers.get(connectionId);
    if (!batcher) {
      batcher = new MicroBatcher<string, PushOutcome>(
        async (profileIds) => {
          const outcomes = await this.pusher.push(connectionId, profileIds);
          return profileIds.map((id) => ({
            ok: true as const,
            value: outcomes.get(id) ?? { kind: 'skipped', reason: 'no outcome' },
          }));
        },
        // One write in flight per destination and process: under load, profiles gather while
        // it runs, so batches grow instead of the vendor's rate limit queueing small ones.
        { maxItems: MAX_BATCH, maxWaitMs: BATCH_WAIT_MS, maxConcurrent: 1 },
      );
      this.batchers.set(connectionId, batcher);
    }
    return batcher;
  }
}
