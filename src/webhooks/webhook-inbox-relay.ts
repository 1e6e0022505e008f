import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { logConnectionState } from '../redis/connection-state-log';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { webhookInboxKeys } from './webhook-inbox';
import { InboxEntry, WebhookInboxConsumer } from './webhook-inbox-consumer';
import { WEBHOOK_EVENT_JOB_NAME, WebhookJobData } from './webhook-job';

/** Entries moved per step: one `addBulk` and one acknowledgement each. */
export const RELAY_BATCH = 200;
/** How long one read waits for new entries; bounds how long a stop takes. */
const READ_BLOCK_MS = 1000;
/** An entry another relay read and left this long is taken over: that relay is gone. */
export const ABANDONED_AFTER_MS = 60_000;
/** How often to look for abandoned entries. */
const CLAIM_EVERY_MS = 15_000;
const ERROR_BACKOFF_MS = 1000;

/**
 * Moves accepted webhook events from the inbox stream (see `WebhookInbox`) onto the `webhooks`
 * queue, in batches. Every worker process runs one; the consumer group hands each entry to one
 * of them. An entry is removed from the stream only after its job is in the queue, so a crash
 * in between relays it again: the job id is derived from the entry id, which makes the second
 * add a no-op while the job exists, and the profile store ignores what it already holds.
 */
@Injectable()
export class WebhookInboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookInboxRelay.name);
  private readonly consumer: WebhookInboxConsumer;
  private readonly reader: Redis;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<WebhookJobData>,
  ) {
    const readerName = `syncline:${config.role}:webhook-inbox`;
    this.reader = redis.duplicate({ connectionName: readerName });
    logConnectionState(this.reader, this.logger, readerName);
    this.consumer = new WebhookInboxConsumer(
      this.reader,
      redis,
      webhookInboxKeys(config.queuePrefix),
      `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    );
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // Ends a blocked read at once instead of after READ_BLOCK_MS.
    this.reader.disconnect();
    await this.loop;
    await this.consumer.leave().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not leave the webhook inbox group');
    });
  }

  private async run(): Promise<void> {
    let grouped = false;
    let retryOwn = false;
    let nextClaimAt = 0;
    while (!this.stopped) {
      try {
        if (!grouped) {
          await this.consumer.ensureGroup();
          grouped = true;
        }
        if (Date.now() >= nextClaimAt) {
          const claimed = await this.consumer.claimAbandoned(ABANDONED_AFTER_MS, RELAY_BATCH);
          await this.relay(claimed);
          // A full batch means more may be waiting: look again next step.
          nextClaimAt = claimed.length < RELAY_BATCH ? Date.now() + CLAIM_EVERY_MS : 0;
        }
        const entries: InboxEntry[] = retryOwn
          ? await this.consumer.readOwnPending(RELAY_BATCH)
          : await this.consumer.readNew(RELAY_BATCH, READ_BLOCK_MS);
        await this.relay(entries);
        // Own pending entries are drained batch by batch before new ones are read.
        retryOwn = retryOwn && entries.length > 0;
      } catch (error) {
        if (this.stopped) break;
        this.logger.error({ err: error }, 'webhook inbox relay step failed; retrying');
        // The stream may have gone with its group (a flushed Redis); create both again.
        grouped = false;
        retryOwn = true;
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  /** Queues the entries' jobs, then removes the entries: @returns how many jobs it queued. */
  async relay(entries: InboxEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const jobs = [];
    for (const entry of entries) {
      const data = this.parse(entry);
      if (data) {
        jobs.push({ name: WEBHOOK_EVENT_JOB_NAME, data, opts: { jobId: `inbox-${entry.id}` } });
      }
    }
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    await this.consumer.remove(entries.map((entry) => entry.id));
    return jobs.length;
  }

  private parse(entry: InboxEntry): WebhookJobData | undefined {
    // Entries are written by WebhookInbox alone; these cases mean a damaged or deleted entry,
    // which no retry would mend, so it is reported and removed rather than retried forever.
    if (entry.payload === undefined) {
      this.logger.error({ entryId: entry.id }, 'webhook inbox entry without a job; removed');
      return undefined;
    }
    try {
      return JSON.parse(entry.payload) as WebhookJobData;
    } catch (error) {
      this.logger.error(
        { entryId: entry.id, err: error },
        'unreadable webhook inbox entry; removed',
      );
      return undefined;
    }
  }
}
