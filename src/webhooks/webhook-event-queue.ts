import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/time/with-timeout';
import { QueueName } from '../queues/queue-names';
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

/**
 * Puts parsed webhook events on the `webhooks` queue, deduplicated and enqueued in the same
 * Redis round trip: BullMQ's deduplication sets `de:<connection>:<event id>` (kept 25 h, even
 * after the job completes) inside the Lua script that adds the job, so a replayed delivery
 * adds nothing. A timed-out add may still land once Redis is back; the vendor's retry of the
 * 503 is then recognised as a duplicate, so nothing runs twice.
 *
 * Each event is its own `add` (one EVALSHA), never a BullMQ pipeline (`addBulk`): building a
 * pipeline costs more client CPU than it saves in round trips, about 2.5× a single add for one
 * job and still more per job at five (docs/benchmarks.md, webhooks).
 */
@Injectable()
export class WebhookEventQueue {
  private client: Awaited<Queue['client']> | undefined;

  constructor(@InjectQueue(QueueName.Webhooks) private readonly queue: Queue) {}

  /** Adds one job per event; resolves once Redis holds them, with how many were replays. */
  async enqueue(events: WebhookJobData[]): Promise<{ duplicates: number }> {
    const client = this.client ?? (await this.connect());
    if (client.status !== 'ready') {
      throw new WebhookQueueUnavailableError(`Redis connection is ${client.status}`);
    }
    let replays: boolean[];
    try {
      replays = await withTimeout(
        Promise.all(events.map((data) => this.add(data))),
        ENQUEUE_TIMEOUT_MS,
        'Redis',
      );
    } catch (error) {
      throw new WebhookQueueUnavailableError((error as Error).message);
    }
    return { duplicates: replays.filter(Boolean).length };
  }

  /** Whether Redis already knew the event. */
  private async add(data: WebhookJobData): Promise<boolean> {
    // Our own job id tells a new job from a duplicate: BullMQ answers a deduplicated add with
    // the id of the job that holds the key.
    const jobId = randomUUID();
    const job = await this.queue.add(WEBHOOK_EVENT_JOB_NAME, data, {
      jobId,
      deduplication: {
        id: webhookDedupeId(data.connectionId, data.event.dedupeKey),
        ttl: WEBHOOK_DEDUPE_TTL_MS,
      },
    });
    return job.id !== jobId;
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
}
