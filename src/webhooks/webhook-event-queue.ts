import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/time/with-timeout';
import { QueueName } from '../queues/queue-names';
import { MicroBatcher, Settled } from './micro-batcher';
import { WebhookQueueUnavailableError } from './webhook-errors';
import {
  WEBHOOK_DEDUPE_TTL_MS,
  WEBHOOK_EVENT_JOB_NAME,
  WebhookJobData,
  webhookDedupeId,
} from './webhook-job';

/**
 * How long a delivery may wait for Redis. Vendors give up after a few seconds (Shopify: 5 s)
 * and the shared client queues commands while it reconnects, so an outage must turn into a
 * 503 well before that instead of a hung request.
 */
export const ENQUEUE_TIMEOUT_MS = 2000;
/** Jobs per Redis pipeline; a larger backlog goes out in several pipelines at once. */
const MAX_JOBS_PER_WRITE = 500;

interface NewJob {
  name: string;
  data: WebhookJobData;
  opts: JobsOptions & { jobId: string };
}

/**
 * Puts parsed webhook events on the `webhooks` queue, deduplicated and enqueued in the same
 * Redis round trip: BullMQ's deduplication sets `de:<connection>:<event id>` (kept 25 h, even
 * after the job completes) inside the Lua script that adds the job, so a replayed delivery
 * adds nothing. A timed-out add may still land once Redis is back; the vendor's retry of the
 * 503 is then recognised as a duplicate, so nothing runs twice.
 *
 * Deliveries that arrive together (the same turn of the event loop) share one pipeline: one
 * socket write and one read for all of them instead of one each, which is most of the cost of
 * an enqueue on a busy machine. A lone delivery goes out at once.
 */
@Injectable()
export class WebhookEventQueue {
  /** Jobs waiting for the next pipeline; each learns whether Redis already knew its event. */
  private readonly pipeline = new MicroBatcher<NewJob, boolean>((jobs) => this.add(jobs), {
    maxItems: MAX_JOBS_PER_WRITE,
    maxWaitMs: 0,
  });
  private client: Awaited<Queue['client']> | undefined;

  constructor(@InjectQueue(QueueName.Webhooks) private readonly queue: Queue) {}

  /** Adds one job per event; resolves once Redis holds them, with how many were replays. */
  async enqueue(events: WebhookJobData[]): Promise<{ duplicates: number }> {
    const client = this.client ?? (await this.connect());
    if (client.status !== 'ready') {
      throw new WebhookQueueUnavailableError(`Redis connection is ${client.status}`);
    }
    // Our own job ids tell a new job from a duplicate: BullMQ answers a deduplicated add with
    // the id of the job that holds the key.
    const duplicates = await Promise.all(
      events.map((data) =>
        this.pipeline.submit({
          name: WEBHOOK_EVENT_JOB_NAME,
          data,
          opts: {
            jobId: randomUUID(),
            deduplication: {
              id: webhookDedupeId(data.connectionId, data.event.dedupeKey),
              ttl: WEBHOOK_DEDUPE_TTL_MS,
            },
          },
        }),
      ),
    );
    return { duplicates: duplicates.filter(Boolean).length };
  }

  /** The queue's Redis client; the same object across reconnects, so it is looked up once. */
  private async connect(): Promise<Awaited<Queue['client']>> {
    try {
      this.client = await withTimeout(this.queue.client, ENQUEUE_TIMEOUT_MS, 'Redis');
      return this.client;
    } catch (error) {
      throw new WebhookQueueUnavailableError((error as Error).message);
    }
  }

  /** One pipeline (`addBulk`): for each job, whether its event was already known. */
  private async add(jobs: NewJob[]): Promise<Settled<boolean>[]> {
    let added: Awaited<ReturnType<Queue['addBulk']>>;
    try {
      added = await withTimeout(this.queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS, 'Redis');
    } catch (error) {
      throw new WebhookQueueUnavailableError((error as Error).message);
    }
    return added.map((job, i) => ({ ok: true, value: job.id !== jobs[i].opts.jobId }));
  }
}
