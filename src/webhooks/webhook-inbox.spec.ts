import type Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { WebhookQueueUnavailableError } from './webhook-errors';
import { ENQUEUE_TIMEOUT_MS, WebhookInbox } from './webhook-inbox';
import type { WebhookJobData } from './webhook-job';

const job: WebhookJobData = {
  connectionId: '11111111-1111-4111-8111-111111111111',
  connector: 'shopify',
  deliveryId: 'req-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  event: { dedupeKey: 'wh-1', kind: 'delete', externalId: '1' },
};

/** A client in a given connection state whose append script answers with `answer`. */
function client(status: string, answer: () => Promise<number[]>) {
  const append = jest.fn(answer);
  const redis = {
    status,
    defineCommand: jest.fn(),
    syncline_webhookInboxAppend: append,
  } as unknown as Redis;
  return { inbox: new WebhookInbox(redis, { queuePrefix: 'p' } as AppConfig), append };
}

// The script's behaviour on a real Redis is in test/integration/webhooks.
describe('WebhookInbox outages', () => {
  afterEach(() => jest.useRealTimers());

  it('refuses at once while the Redis connection is down, without queueing a command', async () => {
    const { inbox, append } = client('reconnecting', async () => [0]);
    const appended = inbox.append([job]);
    await expect(appended).rejects.toBeInstanceOf(WebhookQueueUnavailableError);
    await expect(appended).rejects.toThrow(/Redis connection is reconnecting/);
    expect(append).not.toHaveBeenCalled();
  });

  it('gives up with 503 when Redis does not answer in time', async () => {
    jest.useFakeTimers();
    const { inbox } = client('ready', () => new Promise(() => undefined));
    const outcome = expect(inbox.append([job])).rejects.toMatchObject({
      httpStatus: 503,
      message: expect.stringMatching(/did not answer within 2000 ms/),
    });
    await jest.advanceTimersByTimeAsync(ENQUEUE_TIMEOUT_MS + 10);
    await outcome;
  });

  it('refuses the delivery when Redis refuses the script', async () => {
    const { inbox } = client('ready', () => Promise.reject(new Error('OOM command not allowed')));
    const appended = inbox.append([job]);
    await expect(appended).rejects.toBeInstanceOf(WebhookQueueUnavailableError);
    await expect(appended).rejects.toThrow(/OOM command not allowed/);
  });
});
