/**
 * The Shopify connector through the real runtime (HTTP client, Redis rate budget) against the
 * Shopify emulator on loopback, and its webhooks through a real local HTTP listener.
 */
import {
  connector,
  type ShopifyConfig,
  type ShopifyCredentials,
  type ShopifyCustomer,
} from '../../../connectors/shopify';
import type {
  ConnectorContext,
  ReadPage,
  ReadRequest,
  SyncCursor,
} from '../../../src/connector-sdk';
import { ShopifyEmulator, type ShopifyEmulatorOptions } from '../../emulators/shopify';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';
import { startWebhookListener, WebhookListener } from '../../support/webhook-listener';

const SECRET = 'shpss_integration_secret';
const DAY_AGO = Date.now() - 24 * 60 * 60 * 1000;
const harness = useConnectorRuntime(connector);

let emulator: ShopifyEmulator;

async function startEmulator(options: ShopifyEmulatorOptions = {}): Promise<void> {
  emulator = new ShopifyEmulator({ rateLimit: false, ...options });
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(accessToken = 'test-token'): ConnectorContext<ShopifyConfig, ShopifyCredentials> {
  return harness.context({ baseUrl: emulator.apiBaseUrl() }, { accessToken, clientSecret: SECRET });
}

const readAll = (request: ReadRequest, ctx = context()) => readAllPages(connector, ctx, request);

async function firstPage(request: ReadRequest): Promise<ReadPage<ShopifyCustomer>> {
  const iterator = connector.read!(context(), request)[Symbol.asyncIterator]();
  const page = (await iterator.next()).value as ReadPage<ShopifyCustomer>;
  await iterator.return?.();
  return page;
}

const listRequests = () => emulator.requests({ pathPrefix: '/admin/api/2024-10/customers.json' });

afterEach(() => emulator?.stop());

describe('Shopify connector', () => {
  it('check succeeds with a valid token and explains a rejected one', async () => {
    await startEmulator();
    emulator.seedCustomers(3);
    await expect(connector.check!(context())).resolves.toEqual({
      ok: true,
      message: 'Connected to Shopify',
      details: { customers: 3 },
    });
    await expect(connector.check!(context('wrong-token'))).resolves.toEqual({
      ok: false,
      message: 'Shopify rejected the access token',
    });
  });

  it('full read follows Link paging: each customer once, page_info without filters', async () => {
    await startEmulator();
    emulator.seedCustomers(600, { at: DAY_AGO });

    const { records, cursor } = await readAll({ mode: 'full', cursor: null });

    const ids = records.map((r) => r.id);
    expect(ids).toHaveLength(600);
    expect(new Set(ids).size).toBe(600);
    const calls = listRequests();
    expect(calls).toHaveLength(3);
    expect(calls[0].query).toEqual({ limit: '250' });
    for (const call of calls.slice(1)) {
      expect(Object.keys(call.query).sort()).toEqual(['limit', 'page_info']);
    }
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(cursor).toMatchObject({ nextPage: null, updatedAtMin: expect.any(String) });

    expect(connector.mapIn!(records[4])).toMatchObject({
      externalId: String(records[4].id),
      updatedAt: new Date(Math.floor(DAY_AGO / 1000) * 1000).toISOString(),
      traits: {
        email: 'customer4@example.com',
        phone: '+16135550004',
        firstName: 'First4',
        address: { line1: '4 Main St', city: 'Ottawa', region: 'ON', country: 'CA' },
        tags: ['vip', 'newsletter'],
        custom: { shopify: { state: 'enabled' } },
      },
    });
  });

  it('incremental read returns only changed customers and never repeats filters', async () => {
    await startEmulator();
    const seeded = emulator.seedCustomers(600, { at: DAY_AGO });
    const { cursor: afterFull } = await readAll({ mode: 'full', cursor: null });

    const changed = [seeded[3], seeded[260], seeded[599]];
    for (const c of changed) emulator.updateCustomer(c.id, { tags: 'changed' });
    const created = emulator.createCustomer({ email: 'new@example.com' });
    emulator.clearRequests();

    const first = await readAll({ mode: 'incremental', cursor: afterFull });
    expect(first.records.map((r) => r.id).sort()).toEqual(
      [...changed.map((c) => c.id), created.id].sort(),
    );
    expect(first.records.find((r) => r.id === seeded[3].id)!.tags).toBe('changed');
    expect(listRequests()[0].query).toEqual({
      limit: '250',
      updated_at_min: (afterFull as { updatedAtMin: string }).updatedAtMin,
    });

    // A look-back reaching past the seed time re-reads everyone, over several pages, and
    // never sends updated_at_min next to page_info (the emulator would answer 400).
    emulator.clearRequests();
    const wide = await readAll({
      mode: 'incremental',
      cursor: first.cursor,
      lookBackMs: 2 * 24 * 60 * 60 * 1000,
    });
    expect(new Set(wide.records.map((r) => r.id)).size).toBe(601);
    const paged = listRequests().filter((r) => r.query.page_info !== undefined);
    expect(paged).toHaveLength(2);
    for (const call of paged) expect(call.query.updated_at_min).toBeUndefined();
    expect(listRequests().every((r) => r.status === 200)).toBe(true);
  });

  it('resumes a full and a filtered read from a JSON cursor saved after any page', async () => {
    await startEmulator();
    const seeded = emulator.seedCustomers(600, { at: DAY_AGO });

    const page = await firstPage({ mode: 'full', cursor: null });
    expect(page.records).toHaveLength(250);
    const rest = await readAll({ mode: 'full', cursor: JSON.parse(JSON.stringify(page.cursor)) });
    const all = [...page.records, ...rest.records].map((r) => r.id);
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);

    for (const c of seeded.slice(0, 300)) emulator.updateCustomer(c.id, { state: 'invited' });
    const anchor: SyncCursor = {
      updatedAtMin: new Date(DAY_AGO + 60_000).toISOString(),
      nextPage: null,
      startedAt: null,
    };
    const changedPage = await firstPage({ mode: 'incremental', cursor: anchor });
    expect(changedPage.cursor).toMatchObject({ nextPage: expect.stringContaining('page_info=') });
    const changedRest = await readAll({
      mode: 'incremental',
      cursor: JSON.parse(JSON.stringify(changedPage.cursor)),
    });
    const changedIds = [...changedPage.records, ...changedRest.records].map((r) => r.id);
    expect(changedIds).toHaveLength(300);
    expect(new Set(changedIds)).toEqual(new Set(seeded.slice(0, 300).map((c) => c.id)));
  });

  it("slows down on the leaky bucket's 429 + Retry-After but completes the read", async () => {
    // A bucket of 1 draining 0.5/s: tighter than the connector's 2/s, so the shop answers 429.
    await startEmulator({ rateLimit: { bucketSize: 1, leakPerSecond: 0.5 } });
    emulator.seedCustomers(600, { at: DAY_AGO });

    const started = Date.now();
    const { records } = await readAll({ mode: 'full', cursor: null });
    const elapsed = Date.now() - started;

    expect(new Set(records.map((r) => r.id)).size).toBe(600);
    const statuses = listRequests().map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(listRequests().some((r) => r.faulted)).toBe(false);
    // Retry-After: 2.0 is seconds: every 429 costs at least 2 s.
    expect(elapsed).toBeGreaterThanOrEqual(2000 * statuses.filter((s) => s === 429).length - 50);
  });

  it('answers like Shopify: 401 body, 429 with Retry-After and the call-limit header', async () => {
    await startEmulator({ rateLimit: { bucketSize: 2, leakPerSecond: 2 } });
    const url = `${emulator.apiBaseUrl()}/shop.json`;
    const unauthorised = await fetch(url, { headers: { 'x-shopify-access-token': 'nope' } });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });
    const headers = { 'x-shopify-access-token': 'test-token' };
    const ok = await fetch(url, { headers });
    expect(ok.headers.get('x-shopify-shop-api-call-limit')).toBe('1/2');
    await fetch(url, { headers });
    const limited = await fetch(url, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2.0');
    expect(limited.headers.get('x-shopify-shop-api-call-limit')).toBe('2/2');
  });
});

describe('Shopify webhooks from the emulator', () => {
  let listener: WebhookListener;

  beforeEach(async () => {
    listener = await startWebhookListener();
    await startEmulator();
  });

  afterEach(() => listener.close());

  const creds = { config: {}, credentials: { accessToken: 'test-token', clientSecret: SECRET } };

  it('a signed customers/update verifies and parses to an upsert; a tampered one fails', async () => {
    const [customer] = emulator.seedCustomers(1);
    const sent = await emulator.sendWebhook(
      `${listener.url}/webhooks/c1`,
      'customers/update',
      customer,
      { secret: SECRET },
    );
    expect(sent.status).toBe(200);
    const [delivery] = listener.received;
    for (const name of [
      'x-shopify-topic',
      'x-shopify-hmac-sha256',
      'x-shopify-shop-domain',
      'x-shopify-api-version',
      'x-shopify-webhook-id',
      'x-shopify-event-id',
      'x-shopify-triggered-at',
    ]) {
      expect(delivery.headers[name]).toBeTruthy();
    }
    expect(connector.verifyWebhook!(delivery, creds)).toEqual({ ok: true });
    const [event] = connector.parseWebhook!(delivery);
    expect(event).toMatchObject({
      dedupeKey: sent.webhookId,
      kind: 'upsert',
      externalId: String(customer.id),
    });
    expect(connector.mapIn!(event.record!).traits.email).toBe(customer.email);

    const tampered = {
      ...delivery,
      rawBody: Buffer.from(delivery.rawBody.toString().replace('customer0@', 'attacker@')),
    };
    expect(connector.verifyWebhook!(tampered, creds)).toMatchObject({ ok: false });
  });

  it('a delivery signed with another secret fails; customers/delete parses to a delete', async () => {
    const [customer] = emulator.seedCustomers(1);
    emulator.deleteCustomer(customer.id);
    await emulator.sendWebhook(`${listener.url}/w`, 'customers/delete', customer.id, {
      secret: 'someone-else',
    });
    await emulator.sendWebhook(`${listener.url}/w`, 'customers/delete', customer.id, {
      secret: SECRET,
    });
    const [forged, genuine] = listener.received;
    expect(connector.verifyWebhook!(forged, creds)).toEqual({
      ok: false,
      reason: 'Invalid X-Shopify-Hmac-Sha256 signature',
    });
    expect(connector.verifyWebhook!(genuine, creds)).toEqual({ ok: true });
    expect(connector.parseWebhook!(genuine)).toEqual([
      {
        dedupeKey: genuine.headers['x-shopify-webhook-id'],
        kind: 'delete',
        externalId: String(customer.id),
        occurredAt: expect.any(String),
      },
    ]);
  });
});
