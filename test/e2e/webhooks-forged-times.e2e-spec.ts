import { Queue } from 'bullmq';
import { QueueName } from '../../src/queues/queue-names';
import type { WebhookJobData } from '../../src/webhooks/webhook-job';
import { ShopifyEmulator } from '../emulators/shopify';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForValue } from '../support/wait-for';

const SHOPIFY_TOKEN = 'shpat_forged-times-token';
const SHOPIFY_SECRET = 'shopify-app-client-secret-forged-times';

interface ProfileSummary {
  id: string;
  traits: Record<string, unknown>;
}

/**
 * Shopify's HMAC covers the body only: the topic, webhook id and trigger time travel in
 * headers anyone holding one signed body can rewrite. A replayed body posted as a deletion
 * with a trigger time decades ahead must not freeze the record: the customer's next real
 * edit still reaches the profile.
 */
describe('webhooks: vendor times from unsigned headers', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let shopify: ShopifyEmulator;
  let queue: Queue<WebhookJobData>;
  let connectionId: string;

  const hookUrl = () => `${app.baseUrl}/webhooks/${connectionId}`;
  const byEmail = async (email: string) => {
    const found = await app.request('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
    return (found.body as { data: ProfileSummary[] }).data[0];
  };
  const completed = async (webhookId: string) =>
    (await queue.getCompleted()).some((job) => job.data.event.dedupeKey === webhookId)
      ? true
      : undefined;

  beforeAll(async () => {
    env = await createTestEnvironment();
    shopify = new ShopifyEmulator({ accessTokens: [SHOPIFY_TOKEN] });
    await shopify.start();
    app = await startTestApp(env.config);
    const created = await app.request('POST', '/v1/connections', {
      body: {
        connector: 'shopify',
        name: 'Shopify',
        direction: 'pull',
        config: { baseUrl: shopify.apiBaseUrl() },
        credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
      },
    });
    expect(created.status).toBe(201);
    connectionId = (created.body as { id: string }).id;
    queue = new Queue(QueueName.Webhooks, {
      connection: { url: env.redisUrl },
      prefix: env.queuePrefix,
    });
  });

  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await shopify?.stop();
    await env?.teardown();
  });

  it('a signed body replayed as a far-future deletion does not outrank later edits', async () => {
    const email = 'frozen.out@shop.syncline.dev';
    const customer = shopify.createCustomer({ email, first_name: 'Before' });
    const created = await shopify.sendWebhook(hookUrl(), 'customers/create', customer, {
      secret: SHOPIFY_SECRET,
      webhookId: 'real-create',
    });
    expect(created.status).toBe(200);
    await waitForValue('the customer', async () =>
      (await byEmail(email))?.traits.firstName === 'Before' ? true : undefined,
    );

    // The same signed body, posted again as a deletion "triggered" in 2099.
    const forged = await shopify.sendWebhook(hookUrl(), 'customers/update', customer, {
      secret: SHOPIFY_SECRET,
      webhookId: 'forged-delete',
      headers: {
        'x-shopify-topic': 'customers/delete',
        'x-shopify-triggered-at': '2099-01-01T00:00:00.000Z',
      },
    });
    expect(forged.status).toBe(200);
    await waitForValue('the forged deletion to be processed', () => completed('forged-delete'));

    // The customer's next real edit, a little later (Shopify stamps to the second).
    const edited = shopify.updateCustomer(customer.id, { first_name: 'After' }, Date.now() + 2000);
    const update = await shopify.sendWebhook(hookUrl(), 'customers/update', edited, {
      secret: SHOPIFY_SECRET,
      webhookId: 'real-update',
    });
    expect(update.status).toBe(200);
    await waitForValue('the update to be processed', () => completed('real-update'));
    expect((await byEmail(email))?.traits.firstName).toBe('After');
  });
});
