import type { Queue } from 'bullmq';
import { WebhookQueueUnavailableError } from './webhook-errors';
import { ENQUEUE_TIMEOUT_MS, WebhookEventQueue } from './webhook-event-queue';
import { WEBHOOK_DEDUPE_TTL_MS, WebhookJobData } from './webhook-job';

const CONNECTION = '11111111-1111-4111-8111-111111111111';

const job = (dedupeKey: string): WebhookJobData => ({
  connectionId: CONNECTION,
  connector: 'shopify',
  deliveryId: 'req-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  event: { dedupeKey, kind: 'delete', externalId: '1' },
});

interface Added {
  name: string;
  data: WebhookJobData;
  opts: { jobId: string; deduplication: { id: string; ttl: number } };
}

/** A queue whose Redis already holds the dedupe keys in `seen` (mapped to their job ids). */
function fakeQueue(status = 'ready', seen = new Map<string, string>()) {
  const add = jest.fn(async (_name: string, _data: WebhookJobData, opts: Added['opts']) => {
    const holder = seen.get(opts.deduplication.id);
    if (!holder) seen.set(opts.deduplication.id, opts.jobId);
    return { id: holder ?? opts.jobId };
  });
  const queue = { client: Promise.resolve({ status }), add } as unknown as Queue;
  return { queue, add };
}

describe('WebhookEventQueue', () => {
  afterEach(() => jest.useRealTimers());

  it('adds one job per event with a 25 h deduplication id of connection and vendor event id', async () => {
    const { queue, add } = fakeQueue();
    await expect(new WebhookEventQueue(queue).enqueue([job('wh-1')])).resolves.toEqual({
      duplicates: 0,
    });
    expect(add).toHaveBeenCalledTimes(1);
    expect(add).toHaveBeenCalledWith('webhook-event', job('wh-1'), {
      jobId: expect.any(String),
      deduplication: { id: `${CONNECTION}:wh-1`, ttl: WEBHOOK_DEDUPE_TTL_MS },
    });
    expect(WEBHOOK_DEDUPE_TTL_MS).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it('counts the events Redis already held as duplicates', async () => {
    const { queue } = fakeQueue('ready', new Map([[`${CONNECTION}:hubspot:2`, 'existing-job']]));
    const result = await new WebhookEventQueue(queue).enqueue([
      job('hubspot:1'),
      job('hubspot:2'),
      job('hubspot:3'),
    ]);
    expect(result).toEqual({ duplicates: 1 });
  });

  it('refuses at once while the Redis connection is down, without queueing a command', async () => {
    const { queue, add } = fakeQueue('reconnecting');
    const enqueued = new WebhookEventQueue(queue).enqueue([job('wh-1')]);
    await expect(enqueued).rejects.toBeInstanceOf(WebhookQueueUnavailableError);
    await expect(enqueued).rejects.toThrow(/Redis connection is reconnecting/);
    expect(add).not.toHaveBeenCalled();
  });

  it('gives up with 503 when Redis does not answer in time', async () => {
    jest.useFakeTimers();
    const { queue, add } = fakeQueue();
    add.mockReturnValue(new Promise(() => undefined));
    const enqueued = new WebhookEventQueue(queue).enqueue([job('wh-1')]);
    const outcome = expect(enqueued).rejects.toMatchObject({
      httpStatus: 503,
      message: expect.stringMatching(/did not answer within 2000 ms/),
    });
    await jest.advanceTimersByTimeAsync(ENQUEUE_TIMEOUT_MS + 10);
    await outcome;
  });

  it('refuses the whole delivery when Redis refuses one of its events', async () => {
    const { queue, add } = fakeQueue();
    add
      .mockResolvedValueOnce({ id: 'first' })
      .mockRejectedValueOnce(new Error('OOM command not allowed'));
    const enqueued = new WebhookEventQueue(queue).enqueue([job('a'), job('b')]);
    await expect(enqueued).rejects.toBeInstanceOf(WebhookQueueUnavailableError);
    await expect(enqueued).rejects.toThrow(/OOM command not allowed/);
    expect(add).toHaveBeenCalledTimes(2);
  });
});
