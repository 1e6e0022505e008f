import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { hubspotSignatureV3 } from '../../connectors/hubspot';
import { shopifySignature } from '../../connectors/shopify';
import { loadConfig } from '../../src/config/load-config';
import { QueueName } from '../../src/queues/queue-names';
import { webhookInboxKeys } from '../../src/webhooks/webhook-inbox';
import type { WebhookJobData } from '../../src/webhooks/webhook-job';
import { HubspotEmulator } from '../emulators/hubspot';
import { ShopifyEmulator } from '../emulators/shopify';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForValue } from '../support/wait-for';

interface ProfileSummary {
  id: string;
  status: string;
  traits: Record<string, unknown>;
}
interface ProfileDetail extends ProfileSummary {
  sources: { connectionId: string; externalId: string; deleted: boolean }[];
}

const SHOPIFY_TOKEN = 'shpat_webhook-test-token';
const SHOPIFY_SECRET = 'shopify-app-client-secret-0123456789';
const HUBSPOT_TOKEN = 'pat-na1-webhook-test-token';
const HUBSPOT_SECRET = 'hubspot-app-client-secret-0123456789';

/**
 * The webhook path end to end: a real app (API and worker in one process) on real PostgreSQL
 * and Redis, with the Shopify and HubSpot emulators signing deliveries and serving fetches.
 */
describe('webhooks', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let shopify: ShopifyEmulator;
  let hubspot: HubspotEmulator;
  let queue: Queue<WebhookJobData>;
  let redis: Redis;
  let shopifyConnection: string;
  let hubspotConnection: string;

  const hookUrl = (connectionId: string, base = app.baseUrl) => `${base}/webhooks/${connectionId}`;

  /** Events accepted so far: jobs on the queue, and those still in the inbox on their way there. */
  const jobCount = async () =>
    Object.values(await queue.getJobCounts()).reduce((sum, count) => sum + count, 0) +
    (await redis.xlen(webhookInboxKeys(env.queuePrefix).stream));

  const profileBy = async (query: string): Promise<ProfileDetail | undefined> => {
    const found = await app.request('GET', `/v1/profiles?${query}`);
    const summary = (found.body as { data: ProfileSummary[] }).data[0];
    if (!summary) return undefined;
    return (await app.request('GET', `/v1/profiles/${summary.id}`)).body as ProfileDetail;
  };
  const byEmail = (email: string) => profileBy(`email=${encodeURIComponent(email)}`);
  const byExternalId = (connectionId: string, externalId: string) =>
    profileBy(`externalId=${encodeURIComponent(`${connectionId}:${externalId}`)}`);

  /** Posts bytes as Shopify would, signed with the given secret (for hand-made payloads). */
  const postShopify = (url: string, body: string, topic: string, webhookId: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': shopifySignature(body, SHOPIFY_SECRET),
        'x-shopify-shop-domain': 'syncline-test.myshopify.com',
        'x-shopify-api-version': '2024-10',
        'x-shopify-webhook-id': webhookId,
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body,
    });

  /** Posts HubSpot events signed (v3) for `signedUrl`, which may differ from where they go. */
  const postHubspot = (
    url: string,
    signedUrl: string,
    events: unknown[],
    headers: Record<string, string> = {},
  ) => {
    const body = JSON.stringify(events);
    const timestamp = String(Date.now());
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': hubspotSignatureV3(
          { method: 'POST', url: signedUrl, rawBody: body, timestamp },
          HUBSPOT_SECRET,
        ),
        'x-hubspot-request-timestamp': timestamp,
        ...headers,
      },
      body,
    });
  };

  const createConnection = async (body: Record<string, unknown>): Promise<string> => {
    const created = await app.request('POST', '/v1/connections', {
      body: { direction: 'pull', ...body },
    });
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  beforeAll(async () => {
    // Short retries: a job that fails for good reaches the failed set within the test.
    env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' } });
    shopify = new ShopifyEmulator({ accessTokens: [SHOPIFY_TOKEN] });
    hubspot = new HubspotEmulator({ accessTokens: [HUBSPOT_TOKEN] });
    await Promise.all([shopify.start(), hubspot.start()]);
    app = await startTestApp(env.config);
    shopifyConnection = await createConnection({
      connector: 'shopify',
      name: 'Shopify',
      config: { baseUrl: shopify.apiBaseUrl() },
      credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
    });
    hubspotConnection = await createConnection({
      connector: 'hubspot',
      name: 'HubSpot',
      config: { baseUrl: hubspot.baseUrl },
      credentials: { accessToken: HUBSPOT_TOKEN, clientSecret: HUBSPOT_SECRET },
    });
    queue = new Queue(QueueName.Webhooks, {
      connection: { url: env.redisUrl },
      prefix: env.queuePrefix,
    });
    redis = new Redis(env.redisUrl);
  });

  afterAll(async () => {
    await app?.close();
    await queue?.close();
    redis?.disconnect();
    await Promise.all([shopify?.stop(), hubspot?.stop()]);
    await env?.teardown();
  });

  describe('Shopify (full record in the body)', () => {
    it('creates and updates the profile from signed customers/create and customers/update', async () => {
      const customer = shopify.createCustomer({
        email: 'ann.create@shop.syncline.dev',
        first_name: 'Ann',
        last_name: 'Lee',
        phone: '+1 415 555 0101',
      });
      const created = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/create',
        customer,
        { secret: SHOPIFY_SECRET },
      );
      expect(created.status).toBe(200);
      expect(JSON.parse(created.body)).toEqual({ received: 1, duplicates: 0 });
      const profile = await waitForValue('the created profile', () =>
        byEmail('ann.create@shop.syncline.dev'),
      );
      expect(profile.traits).toMatchObject({
        firstName: 'Ann',
        lastName: 'Lee',
        phone: '+14155550101',
      });
      expect(profile.sources).toEqual([
        expect.objectContaining({
          connectionId: shopifyConnection,
          externalId: String(customer.id),
          deleted: false,
        }),
      ]);

      // Shopify stores seconds: the update is a second later so it is the newer version.
      shopify.updateCustomer(customer.id, { first_name: 'Annie' }, Date.now() + 1000);
      const updated = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/update',
        customer,
        { secret: SHOPIFY_SECRET },
      );
      expect(updated.status).toBe(200);
      await waitForValue('the update', async () => {
        const current = await byEmail('ann.create@shop.syncline.dev');
        return current?.traits.firstName === 'Annie' ? current : undefined;
      });
    });

    it('ignores a replayed delivery (same X-Shopify-Webhook-Id), even with another body', async () => {
      const customer = shopify.createCustomer({
        email: 'rex.replay@shop.syncline.dev',
        first_name: 'Rex',
      });
      const first = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/update',
        customer,
        { secret: SHOPIFY_SECRET, webhookId: 'replayed-delivery-1' },
      );
      expect(JSON.parse(first.body)).toEqual({ received: 1, duplicates: 0 });
      await waitForValue('the first delivery', () => byEmail('rex.replay@shop.syncline.dev'));
      const jobsBefore = await jobCount();

      shopify.updateCustomer(customer.id, { first_name: 'Forged' }, Date.now() + 1000);
      const replay = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/update',
        customer,
        { secret: SHOPIFY_SECRET, webhookId: 'replayed-delivery-1' },
      );
      expect(replay.status).toBe(200);
      expect(JSON.parse(replay.body)).toEqual({ received: 1, duplicates: 1 });
      expect(await jobCount()).toBe(jobsBefore);

      // A later delivery goes through the same queue and worker; once it is in, so would the
      // replay be, had it been queued.
      const marker = shopify.createCustomer({ email: 'marker.replay@shop.syncline.dev' });
      await shopify.sendWebhook(hookUrl(shopifyConnection), 'customers/create', marker, {
        secret: SHOPIFY_SECRET,
      });
      await waitForValue('the marker delivery', () => byEmail('marker.replay@shop.syncline.dev'));
      expect((await byEmail('rex.replay@shop.syncline.dev'))?.traits.firstName).toBe('Rex');
    });

    it('answers 401 to a bad or missing signature, and queues nothing', async () => {
      const customer = shopify.createCustomer({
        email: 'mallory@shop.syncline.dev',
        first_name: 'M',
      });
      const jobsBefore = await jobCount();
      const forged = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/create',
        customer,
        { secret: 'not-the-client-secret' },
      );
      expect(forged.status).toBe(401);
      expect(JSON.parse(forged.body)).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Webhook signature rejected: Invalid X-Shopify-Hmac-Sha256 signature',
        code: 'WEBHOOK_SIGNATURE_INVALID',
      });
      const unsigned = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/create',
        customer,
        { secret: SHOPIFY_SECRET, headers: { 'x-shopify-hmac-sha256': '' } },
      );
      expect(unsigned.status).toBe(401);
      expect(JSON.parse(unsigned.body).message).toMatch(/Missing X-Shopify-Hmac-Sha256/);
      // Signed bytes, then one changed: the signature no longer covers the body.
      const body = JSON.stringify({ id: customer.id, email: 'mallory@shop.syncline.dev' });
      const tampered = await fetch(hookUrl(shopifyConnection), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'customers/create',
          'x-shopify-hmac-sha256': shopifySignature(body, SHOPIFY_SECRET),
          'x-shopify-webhook-id': 'tampered-1',
        },
        body: body.replace('mallory', 'mal1ory'),
      });
      expect(tampered.status).toBe(401);
      expect(await jobCount()).toBe(jobsBefore);

      const marker = shopify.createCustomer({ email: 'marker.forged@shop.syncline.dev' });
      await shopify.sendWebhook(hookUrl(shopifyConnection), 'customers/create', marker, {
        secret: SHOPIFY_SECRET,
      });
      await waitForValue('the marker delivery', () => byEmail('marker.forged@shop.syncline.dev'));
      expect(await byEmail('mallory@shop.syncline.dev')).toBeUndefined();
      expect(await byEmail('mal1ory@shop.syncline.dev')).toBeUndefined();
    });

    it('marks the record deleted on customers/delete', async () => {
      const customer = shopify.createCustomer({ email: 'dora.delete@shop.syncline.dev' });
      await shopify.sendWebhook(hookUrl(shopifyConnection), 'customers/create', customer, {
        secret: SHOPIFY_SECRET,
      });
      await waitForValue('the created profile', () => byEmail('dora.delete@shop.syncline.dev'));
      shopify.deleteCustomer(customer.id);
      const deleted = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/delete',
        customer.id,
        { secret: SHOPIFY_SECRET },
      );
      expect(deleted.status).toBe(200);
      const profile = await waitForValue('the deletion', async () => {
        const current = await byExternalId(shopifyConnection, String(customer.id));
        return current?.sources[0]?.deleted ? current : undefined;
      });
      expect(profile.status).toBe('closed');
    });

    it('fails only its own job when a record cannot be mapped, without retrying it', async () => {
      // No updated_at nor created_at: mapIn cannot date the version.
      const undated = await postShopify(
        hookUrl(shopifyConnection),
        JSON.stringify({ id: 555_000_001, email: 'undated@shop.syncline.dev' }),
        'customers/update',
        'undated-delivery-1',
      );
      const good = shopify.createCustomer({ email: 'good.neighbour@shop.syncline.dev' });
      await shopify.sendWebhook(hookUrl(shopifyConnection), 'customers/create', good, {
        secret: SHOPIFY_SECRET,
      });
      expect(undated.status).toBe(200);
      const failed = await waitForValue('the failed job', async () =>
        (await queue.getFailed()).find((job) => job.data.event.externalId === '555000001'),
      );
      expect(failed.failedReason).toMatch(/has no usable updated_at/);
      expect(failed.attemptsMade).toBe(1);
      await waitForValue('the good record', () => byEmail('good.neighbour@shop.syncline.dev'));
      expect(await byEmail('undated@shop.syncline.dev')).toBeUndefined();
    });
  });

  describe('HubSpot (id-only events, v3 signatures)', () => {
    it('fetches the records of id-only events in batches and updates the profiles', async () => {
      const contacts = hubspot.seedContacts(
        Array.from({ length: 10 }, (_, i) => ({
          email: `hub.batch${i}@shop.syncline.dev`,
          firstname: `Hub${i}`,
        })),
      );
      hubspot.clearRequests();
      const sent = await hubspot.sendWebhook(
        hookUrl(hubspotConnection),
        contacts.map((contact) => ({
          subscriptionType: 'contact.creation' as const,
          objectId: Number(contact.id),
        })),
        { clientSecret: HUBSPOT_SECRET },
      );
      expect(sent.status).toBe(200);
      expect(JSON.parse(sent.body)).toEqual({ received: 10, duplicates: 0 });
      for (const [i, contact] of contacts.entries()) {
        const profile = await waitForValue(`contact ${contact.id}`, () =>
          byEmail(`hub.batch${i}@shop.syncline.dev`),
        );
        expect(profile.traits.firstName).toBe(`Hub${i}`);
      }
      const reads = hubspot.requests({
        method: 'POST',
        pathPrefix: '/crm/v3/objects/contacts/batch/read',
      });
      const requested = reads.flatMap((read) =>
        (read.body as { inputs: { id: string }[] }).inputs.map((input) => input.id),
      );
      expect(requested.sort()).toEqual(contacts.map((contact) => contact.id).sort());
      // Ten events, far fewer vendor calls: they were fetched together, not one by one.
      expect(reads.length).toBeLessThanOrEqual(3);
      expect(hubspot.requests({ method: 'GET', pathPrefix: '/crm/v3/objects/contacts/' })).toEqual(
        [],
      );
    });

    it('applies a property change, and marks the record deleted on contact.deletion', async () => {
      const [contact] = hubspot.seedContacts([
        { email: 'hugo.hub@shop.syncline.dev', firstname: 'Hugo' },
      ]);
      await hubspot.sendWebhook(
        hookUrl(hubspotConnection),
        [{ subscriptionType: 'contact.creation', objectId: Number(contact.id) }],
        { clientSecret: HUBSPOT_SECRET },
      );
      await waitForValue('the created profile', () => byEmail('hugo.hub@shop.syncline.dev'));

      hubspot.updateContact(contact.id, { jobtitle: 'CTO' });
      await hubspot.sendWebhook(
        hookUrl(hubspotConnection),
        [
          {
            subscriptionType: 'contact.propertyChange',
            objectId: Number(contact.id),
            propertyName: 'jobtitle',
            propertyValue: 'CTO',
          },
        ],
        { clientSecret: HUBSPOT_SECRET },
      );
      await waitForValue('the property change', async () => {
        const current = await byEmail('hugo.hub@shop.syncline.dev');
        return current?.traits.jobTitle === 'CTO' ? current : undefined;
      });

      hubspot.archiveContact(contact.id);
      const deleted = await hubspot.sendWebhook(
        hookUrl(hubspotConnection),
        [{ subscriptionType: 'contact.deletion', objectId: Number(contact.id) }],
        { clientSecret: HUBSPOT_SECRET },
      );
      expect(deleted.status).toBe(200);
      const profile = await waitForValue('the deletion', async () => {
        const current = await byExternalId(hubspotConnection, contact.id);
        return current?.sources[0]?.deleted ? current : undefined;
      });
      expect(profile.status).toBe('closed');
    });

    it('ignores a replayed event id, and rejects stale timestamps and bad v3 signatures', async () => {
      const [contact] = hubspot.seedContacts([{ email: 'rita.hub@shop.syncline.dev' }]);
      const event = {
        subscriptionType: 'contact.creation' as const,
        objectId: Number(contact.id),
        eventId: 987_654_321,
      };
      const options = { clientSecret: HUBSPOT_SECRET };
      const first = await hubspot.sendWebhook(hookUrl(hubspotConnection), [event], options);
      expect(JSON.parse(first.body)).toEqual({ received: 1, duplicates: 0 });
      // HubSpot may regroup a retried event with new ones: only the new one is queued.
      const [other] = hubspot.seedContacts([{ email: 'rita.other@shop.syncline.dev' }]);
      const retried = await hubspot.sendWebhook(
        hookUrl(hubspotConnection),
        [event, { subscriptionType: 'contact.creation', objectId: Number(other.id) }],
        options,
      );
      expect(JSON.parse(retried.body)).toEqual({ received: 2, duplicates: 1 });
      await waitForValue(
        'both contacts',
        async () =>
          (await byEmail('rita.hub@shop.syncline.dev')) &&
          (await byEmail('rita.other@shop.syncline.dev')),
      );

      const stale = await hubspot.sendWebhook(hookUrl(hubspotConnection), [event], {
        ...options,
        timestamp: Date.now() - 6 * 60_000,
      });
      expect(stale.status).toBe(401);
      expect(JSON.parse(stale.body).message).toMatch(/older than 5 minutes/);

      const forged = await hubspot.sendWebhook(hookUrl(hubspotConnection), [event], {
        ...options,
        headers: { 'x-hubspot-signature-v3': Buffer.alloc(32).toString('base64') },
      });
      expect(forged.status).toBe(401);
      expect(JSON.parse(forged.body).message).toMatch(/Invalid X-HubSpot-Signature-v3/);
    });

    it('checks the signature against the URL the vendor called, behind a proxy (X-Forwarded-*)', async () => {
      const [contact] = hubspot.seedContacts([{ email: 'proxied.hub@shop.syncline.dev' }]);
      const events = [
        {
          subscriptionType: 'contact.creation',
          objectId: Number(contact.id),
          eventId: 31337,
          occurredAt: Date.now(),
        },
      ];
      const publicUrl = `https://hooks.example.org/webhooks/${hubspotConnection}`;
      const proxied = await postHubspot(hookUrl(hubspotConnection), publicUrl, events, {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'hooks.example.org',
      });
      expect(proxied.status).toBe(200);
      const direct = await postHubspot(hookUrl(hubspotConnection), publicUrl, events);
      expect(direct.status).toBe(401);
      await waitForValue('the proxied delivery', () => byEmail('proxied.hub@shop.syncline.dev'));
    });
  });

  describe('refusals', () => {
    it('answers 404 for an unknown, malformed, disabled or push-only connection', async () => {
      const shopifyConnectionWith = (name: string, settings: Record<string, unknown>) =>
        createConnection({
          connector: 'shopify',
          name,
          config: { baseUrl: shopify.apiBaseUrl() },
          credentials: { accessToken: SHOPIFY_TOKEN, clientSecret: SHOPIFY_SECRET },
          ...settings,
        });
      const disabled = await shopifyConnectionWith('Shopify (disabled)', { enabled: false });
      const pushOnly = await shopifyConnectionWith('Shopify (push only)', { direction: 'push' });
      const customer = shopify.createCustomer({ email: 'nobody.home@shop.syncline.dev' });
      const ids = ['7d0a3c38-1f7e-4c55-9a0e-6f1b2a3c4d5e', 'not-a-uuid', disabled, pushOnly];
      for (const id of ids) {
        const sent = await shopify.sendWebhook(hookUrl(id), 'customers/create', customer, {
          secret: SHOPIFY_SECRET,
        });
        expect({ id, status: sent.status }).toEqual({ id, status: 404 });
        expect(JSON.parse(sent.body)).toMatchObject({
          statusCode: 404,
          error: 'Not Found',
          message: `No connection taking webhooks has id ${id}`,
        });
      }
    });

    it('answers 413 to a body over 1 MB', async () => {
      const body = JSON.stringify({ id: 1, note: 'x'.repeat(1024 * 1024) });
      const response = await postShopify(
        hookUrl(shopifyConnection),
        body,
        'customers/update',
        'big-1',
      );
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
        message: expect.any(String),
      });
    });

    it('answers 415 to a body that is neither JSON nor form fields', async () => {
      const cases: [string, string | undefined, string | Uint8Array][] = [
        ['text/plain', 'text/plain', '{"id":1}'],
        ['application/xml', 'application/xml', '<customer id="1"/>'],
        // Without a Content-Type header (a byte array makes fetch send none).
        ['none', undefined, new TextEncoder().encode('{"id":1}')],
      ];
      for (const [label, contentType, body] of cases) {
        const response = await fetch(hookUrl(shopifyConnection), {
          method: 'POST',
          headers: {
            ...(contentType ? { 'content-type': contentType } : {}),
            'x-shopify-topic': 'customers/create',
            'x-shopify-hmac-sha256': shopifySignature('{"id":1}', SHOPIFY_SECRET),
          },
          body,
        });
        expect({ label, status: response.status }).toEqual({ label, status: 415 });
        expect(await response.json()).toMatchObject({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: expect.any(String),
        });
      }
    });

    it('answers a GET with 405 and Allow: POST for connectors that take no GET (HubSpot, Shopify)', async () => {
      const response = await fetch(hookUrl(shopifyConnection));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toMatchObject({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: 'Shopify webhooks are POSTed to this URL; there is nothing to GET',
      });
      const unknown = await fetch(hookUrl('7d0a3c38-1f7e-4c55-9a0e-6f1b2a3c4d5e'));
      expect(unknown.status).toBe(404);
    });
  });

  describe('an API process with PUBLIC_URL, whose Redis becomes unreachable', () => {
    let proxy: TcpProxy;
    let api: TestApp;

    beforeAll(async () => {
      const target = new URL(env.redisUrl);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      api = await startTestApp(
        loadConfig({
          ...env.env,
          SYNCLINE_ROLE: 'api',
          REDIS_URL: proxy.url('redis'),
          PUBLIC_URL: 'https://hooks.example.com/syncline/',
        }),
      );
    });

    afterAll(async () => {
      await api?.close();
    });

    it('verifies signatures against PUBLIC_URL + path', async () => {
      const [contact] = hubspot.seedContacts([{ email: 'public.url@shop.syncline.dev' }]);
      const events = [
        {
          subscriptionType: 'contact.creation',
          objectId: Number(contact.id),
          eventId: 4040404,
          occurredAt: Date.now(),
        },
      ];
      const asReceived = await postHubspot(
        hookUrl(hubspotConnection, api.baseUrl),
        hookUrl(hubspotConnection, api.baseUrl),
        events,
      );
      expect(asReceived.status).toBe(401);
      const signedPublic = await postHubspot(
        hookUrl(hubspotConnection, api.baseUrl),
        `https://hooks.example.com/syncline/webhooks/${hubspotConnection}`,
        events,
      );
      expect(signedPublic.status).toBe(200);
      // Queued by this API process, processed by the other process's worker.
      await waitForValue('the delivery', () => byEmail('public.url@shop.syncline.dev'));
    });

    it('answers 503 quickly and queues nothing; the vendor retry is accepted later', async () => {
      const customer = shopify.createCustomer({ email: 'outage@shop.syncline.dev' });
      await proxy.cut();
      const started = Date.now();
      const during = await shopify.sendWebhook(
        hookUrl(shopifyConnection, api.baseUrl),
        'customers/create',
        customer,
        { secret: SHOPIFY_SECRET, webhookId: 'during-outage-1' },
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(during.status).toBe(503);
      expect(JSON.parse(during.body)).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/queue is unavailable/),
      });
      const dedupeKey = webhookInboxKeys(env.queuePrefix).seen(
        shopifyConnection,
        'during-outage-1',
      );
      expect(await redis.exists(dedupeKey)).toBe(0);

      // Shopify retries the same delivery; another API process (Redis reachable) takes it.
      const retried = await shopify.sendWebhook(
        hookUrl(shopifyConnection),
        'customers/create',
        customer,
        { secret: SHOPIFY_SECRET, webhookId: 'during-outage-1' },
      );
      expect(JSON.parse(retried.body)).toEqual({ received: 1, duplicates: 0 });
      expect(await redis.exists(dedupeKey)).toBe(1);
      await waitForValue('the retried delivery', () => byEmail('outage@shop.syncline.dev'));
    });
  });
});
