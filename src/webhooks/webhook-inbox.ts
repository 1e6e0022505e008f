import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { withTimeout } from '../common/time/with-timeout';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { WebhookQueueUnavailableError } from './webhook-errors';
import { WEBHOOK_DEDUPE_TTL_MS, WebhookJobData, webhookDedupeId } from './webhook-job';

/**
 * How long a delivery may wait for Redis. Vendors give up after a few seconds (Shopify: 5 s)
 * and the shared client queues commands while it reconnects, so an outage must turn into a
 * 503 well before that instead of a hung request.
 */
export const ENQUEUE_TIMEOUT_MS = 2000;

/** The stream field that holds an entry's `WebhookJobData` as JSON. */
export const INBOX_ENTRY_FIELD = 'job';

/** Where the inbox lives in Redis, under the deployment's queue prefix. */
export interface WebhookInboxKeys {
  /** The stream of accepted events, oldest first, until the relay has queued them. */
  stream: string;
  /** The key that marks an event as seen, for `WEBHOOK_DEDUPE_TTL_MS`. */
  seen(connectionId: string, dedupeKey: string): string;
}

export function webhookInboxKeys(queuePrefix: string): WebhookInboxKeys {
  return {
    stream: `${queuePrefix}:webhook-inbox`,
    seen: (connectionId, dedupeKey) =>
      `${queuePrefix}:webhook-seen:${webhookDedupeId(connectionId, dedupeKey)}`,
  };
}

/**
 * Marks each event seen and appends the new ones to the stream, atomically: a replay finds its
 * key and appends nothing, and an event is never marked seen without being appended. KEYS[1]
 * is the stream, KEYS[2..] the events' seen keys; ARGV[1] the TTL in ms, ARGV[2..] the
 * events' JSON. Answers 1 per event Redis already knew, 0 per appended one.
 */
const APPEND_SCRIPT = `
local replays = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', '${INBOX_ENTRY_FIELD}', ARGV[i])
    replays[i - 1] = 0
  else
    replays[i - 1] = 1
  end
end
return replays`;

type InboxClient = Redis & {
  syncline_webhookInboxAppend(
    numberOfKeys: number,
    ...args: (string | number)[]
  ): Promise<number[]>;
};

/**
 * The receiving end of inbound webhooks: verified events go into a Redis stream, deduplicated
 * in the same script, and the delivery is acknowledged once Redis holds them. The worker's
 * `WebhookInboxRelay` moves them onto the `webhooks` queue, where retries and dead letters
 * apply per event.
 *
 * Why not `Queue.add` here: a BullMQ add costs the API process about four times the client CPU
 * of this one script (job serialisation, msgpack options, a longer Lua script writing ten
 * keys), and webhook acceptance is bound by that process's CPU. Measured: about 30 % more
 * deliveries per second (docs/benchmarks.md, webhooks). Relaying in batches costs the worker
 * less per event than single adds would cost the API.
 */
@Injectable()
export class WebhookInbox {
  private readonly keys: WebhookInboxKeys;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = webhookInboxKeys(config.queuePrefix);
    if (!('syncline_webhookInboxAppend' in redis)) {
      redis.defineCommand('syncline_webhookInboxAppend', { lua: APPEND_SCRIPT });
    }
  }

  /** Appends the events Redis has not seen; resolves once it holds them, with how many were replays. */
  async append(events: WebhookJobData[]): Promise<{ duplicates: number }> {
    if (this.redis.status !== 'ready') {
      throw new WebhookQueueUnavailableError(`Redis connection is ${this.redis.status}`);
    }
    const keys = [this.keys.stream];
    const payloads: string[] = [];
    for (const event of events) {
      keys.push(this.keys.seen(event.connectionId, event.event.dedupeKey));
      payloads.push(JSON.stringify(event));
    }
    let replays: number[];
    try {
      replays = await withTimeout(
        (this.redis as InboxClient).syncline_webhookInboxAppend(
          keys.length,
          ...keys,
          WEBHOOK_DEDUPE_TTL_MS,
          ...payloads,
        ),
        ENQUEUE_TIMEOUT_MS,
        'Redis',
      );
    } catch (error) {
      throw new WebhookQueueUnavailableError((error as Error).message);
    }
    return { duplicates: replays.filter((replay) => replay === 1).length };
  }
}
