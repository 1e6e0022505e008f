/**
 * The webhook inbox on the real Redis: the API's deduplicating append, and the workers' relay
 * onto the `webhooks` queue, including a relay that dies half-way.
 */
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { QueueName } from '../../../src/queues/queue-names';
import { WebhookInbox, webhookInboxKeys } from '../../../src/webhooks/webhook-inbox';
import { INBOX_GROUP, WebhookInboxConsumer } from '../../../src/webhooks/webhook-inbox-consumer';
import { WebhookInboxRelay } from '../../../src/webhooks/webhook-inbox-relay';
import { WEBHOOK_DEDUPE_TTL_MS, WebhookJobData } from '../../../src/webhooks/webhook-job';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';
import { deleteRedisKeys } from '../../support/throwaway-resources';
import { waitForValue } from '../../support/wait-for';

const CONNECTION = '11111111-1111-4111-8111-111111111111';

let env: TestEnvironment;
let redis: Redis;
let queue: Queue<WebhookJobData>;
let inbox: WebhookInbox;
const keys = () => webhookInboxKeys(env.queuePrefix);

const event = (dedupeKey: string, externalId = dedupeKey): WebhookJobData => ({
  connectionId: CONNECTION,
  connector: 'shopify',
  deliveryId: `req-${dedupeKey}`,
  receivedAt: '2026-01-01T00:00:00.000Z',
  event: { dedupeKey, kind: 'delete', externalId },
});

const queuedJobs = async () =>
  (await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).map(
    (job) => job.data,
  );

const relays: WebhookInboxRelay[] = [];
const relay = () => {
  const created = new WebhookInboxRelay(redis, env.config, queue);
  relays.push(created);
  return created;
};

beforeAll(async () => {
  env = await createTestEnvironment({ migrate: false });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  await new Promise((resolve) => redis.once('ready', resolve));
  queue = new Queue(QueueName.Webhooks, { connection: redis, prefix: env.queuePrefix });
  inbox = new WebhookInbox(redis, env.config);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((created) => created.beforeApplicationShutdown()));
  // Each test starts from an empty inbox, group, queue and memory of seen events.
  await deleteRedisKeys(env.redisUrl, env.queuePrefix);
});

afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await env.teardown();
});

describe('append', () => {
  it('appends each new event once and remembers its id for at least 24 hours', async () => {
    expect(await inbox.append([event('a'), event('b')])).toEqual({ duplicates: 0 });
    const entries = await redis.xrange(keys().stream, '-', '+');
    expect(entries.map(([, fields]) => JSON.parse(fields[1]) as WebhookJobData)).toEqual([
      event('a'),
      event('b'),
    ]);
    const ttl = await redis.pttl(keys().seen(CONNECTION, 'a'));
    expect(ttl).toBeGreaterThan(24 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(WEBHOOK_DEDUPE_TTL_MS);
  });

  it('appends nothing for an event it has seen, and counts it as a duplicate', async () => {
    await inbox.append([event('a')]);
    expect(await inbox.append([event('a', 'changed'), event('c')])).toEqual({ duplicates: 1 });
    // The same id twice in one delivery is one event.
    expect(await inbox.append([event('d'), event('d')])).toEqual({ duplicates: 1 });
    const entries = await redis.xrange(keys().stream, '-', '+');
    expect(entries.map(([, fields]) => (JSON.parse(fields[1]) as WebhookJobData).event)).toEqual([
      event('a').event,
      event('c').event,
      event('d').event,
    ]);
  });

  it('keeps event ids of different connections apart', async () => {
    const other = { ...event('a'), connectionId: '22222222-2222-4222-8222-222222222222' };
    expect(await inbox.append([event('a'), other])).toEqual({ duplicates: 0 });
    expect(await redis.xlen(keys().stream)).toBe(2);
  });
});

describe('relay', () => {
  it('moves entries appended before it started onto the queue and empties the inbox', async () => {
    await inbox.append([event('a'), event('b'), event('c')]);
    const running = relay();
    running.onApplicationBootstrap();
    try {
      await waitForValue('the jobs', async () =>
        (await queuedJobs()).length === 3 ? true : undefined,
      );
      // Then one appended while it runs.
      await inbox.append([event('d')]);
      const jobs = await waitForValue('the fourth job', async () => {
        const found = await queuedJobs();
        return found.length === 4 ? found : undefined;
      });
      expect(jobs).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd'].map((key) => event(key))));
      expect(await redis.xlen(keys().stream)).toBe(0);
    } finally {
      await running.beforeApplicationShutdown();
    }
    relays.splice(relays.indexOf(running), 1);
    // A clean stop with nothing pending leaves no consumer behind.
    expect(await redis.xinfo('CONSUMERS', keys().stream, INBOX_GROUP)).toEqual([]);
  });

  it('finishes the work of a relay that died between reading and removing', async () => {
    await inbox.append([event('a'), event('b')]);
    const dead = new WebhookInboxConsumer(redis, redis, keys(), 'dead-relay');
    await dead.ensureGroup();
    const read = await dead.readNew(10, 100);
    // It had even queued the jobs before dying.
    const half = relay();
    await queue.addBulk(
      read.map((entry) => ({
        name: 'webhook-event',
        data: JSON.parse(entry.payload ?? '') as WebhookJobData,
        opts: { jobId: `inbox-${entry.id}` },
      })),
    );

    const survivor = new WebhookInboxConsumer(redis, redis, keys(), 'survivor');
    // Not claimed while the dead relay's entries are fresh: it may only be slow.
    expect(await survivor.claimAbandoned(60_000, 10)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const claimed = await survivor.claimAbandoned(100, 10);
    expect(claimed.map((entry) => entry.id)).toEqual(read.map((entry) => entry.id));

    expect(await half.relay(claimed)).toBe(2);
    // The same jobs again: the entry-derived job ids make the second add a no-op.
    expect(await queuedJobs()).toHaveLength(2);
    expect(await redis.xlen(keys().stream)).toBe(0);
    const pending = (await redis.xpending(keys().stream, INBOX_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });

  it('removes a damaged entry instead of retrying it forever, says so, and relays the rest', async () => {
    const damagedId = await redis.xadd(keys().stream, '*', 'job', '{not json');
    await inbox.append([event('a')]);
    const consumer = new WebhookInboxConsumer(redis, redis, keys(), 'reader');
    await consumer.ensureGroup();
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      expect(await relay().relay(await consumer.readNew(10, 100))).toBe(1);
      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({ entryId: damagedId }),
        'unreadable webhook inbox entry; removed',
      );
    } finally {
      logged.mockRestore();
    }
    expect((await queuedJobs()).map((job) => job.event.dedupeKey)).toEqual(['a']);
    expect(await redis.xlen(keys().stream)).toBe(0);
  });
});
