/**
 * Mailchimp's `profile` and `upemail` webhooks state no member status. Delivered by the
 * emulator over real HTTP, verified and parsed by the connector, and taken by the webhook
 * ingester (its fetches through the real runtime HTTP client) into the real profile store, they
 * must leave the person's profile with the consent Mailchimp holds for them: the store replaces
 * a source record's held version whole, so a version without a status would drop it.
 */
import { Logger } from '@nestjs/common';
import { createMailchimpConnector } from '../../../connectors/mailchimp';
import { ConnectorRegistry } from '../../../src/connector-registry/connector-registry';
import type { Connector, MappedRecord } from '../../../src/connector-sdk';
import type {
  WebhookConnection,
  WebhookConnections,
} from '../../../src/webhooks/webhook-connections';
import { WebhookEventIngester } from '../../../src/webhooks/webhook-event-ingester';
import type { WebhookJobData } from '../../../src/webhooks/webhook-job';
import {
  DEFAULT_API_KEY,
  DEFAULT_LIST_ID,
  MailchimpEmulator,
  type MemberStatus,
  type StoredMember,
} from '../../emulators/mailchimp';
import { createConnection } from '../../factories/connection-row.factory';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';
import { startWebhookListener, type WebhookListener } from '../../support/webhook-listener';
import { createProfilesTestApp, type ProfilesTestApp } from '../profiles/profiles-test-app';

const TOKEN = 'mailchimp-webhook-token-0123456789';
const DAY_AGO = Math.floor((Date.now() - 24 * 60 * 60 * 1000) / 1000) * 1000;
const connector = createMailchimpConnector();
const runtime = useConnectorRuntime(connector);

let app: ProfilesTestApp;
let connectionId: string;
let emulator: MailchimpEmulator;
let listener: WebhookListener;
let ingester: WebhookEventIngester;
/** Deliveries already handed to the ingester. */
let taken = 0;

const context = () =>
  runtime.context(
    { listId: DEFAULT_LIST_ID, baseUrl: emulator.apiBaseUrl() },
    { apiKey: DEFAULT_API_KEY, webhookToken: TOKEN },
  );

beforeAll(async () => {
  Logger.overrideLogger(false);
  app = await createProfilesTestApp();
  connectionId = await createConnection(app.env.sql, { connector: 'mailchimp' });
});

afterAll(() => app.close());

beforeEach(async () => {
  emulator = new MailchimpEmulator();
  await emulator.start();
  listener = await startWebhookListener();
  taken = 0;
  const hook = await emulator.webhooks.register(DEFAULT_LIST_ID, {
    url: `${listener.url}/webhooks/${connectionId}?token=${TOKEN}`,
    sources: { user: true, admin: true, api: true },
  });
  expect(hook).toHaveProperty('id');
  const ctx = context();
  const connections = {
    get: async (id: string) =>
      id === connectionId
        ? ({ connector, context: () => ctx } as unknown as WebhookConnection)
        : undefined,
  } as unknown as WebhookConnections;
  ingester = new WebhookEventIngester(
    app.store,
    new ConnectorRegistry([connector as unknown as Connector]),
    connections,
  );
});

afterEach(async () => {
  await listener.close();
  await emulator.stop();
});

/** A sync: every member as a full read returns it, into the store. */
async function syncMembers(): Promise<void> {
  const { records } = await readAllPages(connector, context(), { mode: 'full', cursor: null });
  const items = records.map((raw) => ({
    connectionId,
    record: connector.mapIn!(raw),
    raw,
  }));
  const result = await app.store.ingest(items, { kind: 'sync', syncRunId: 'run-1' });
  expect(result.rejected).toEqual([]);
}

/**
 * The deliveries that arrived since the last call, each verified and parsed as the receiver
 * does, then ingested as the webhook worker does: in one flush, or one delivery at a time.
 */
async function ingestDeliveries(options: { oneByOne?: boolean; reverse?: boolean } = {}) {
  await emulator.flushWebhooks();
  const deliveries = listener.received.filter((d) => d.method === 'POST').slice(taken);
  taken += deliveries.length;
  const ctx = {
    config: { listId: DEFAULT_LIST_ID },
    credentials: { apiKey: DEFAULT_API_KEY, webhookToken: TOKEN },
  };
  const flushes = deliveries.map((delivery, index) => {
    expect(connector.verifyWebhook!(delivery, ctx)).toEqual({ ok: true });
    return connector.parseWebhook!(delivery).map((event): WebhookJobData => ({
      connectionId,
      connector: 'mailchimp',
      deliveryId: `delivery-${index}`,
      receivedAt: new Date(delivery.receivedAt).toISOString(),
      event,
    }));
  });
  if (options.reverse) flushes.reverse();
  const outcomes = [];
  for (const jobs of options.oneByOne ? flushes : [flushes.flat()]) {
    outcomes.push(...(await ingester.ingest(jobs)));
  }
  return { deliveries, outcomes };
}

async function profileOf(email: string) {
  const [row] = await app.env.sql<{
    id: string;
    traits: MappedRecord['traits'];
    status: string;
  }>(
    `SELECT p.id, p.traits, p.status FROM profile_identifier i JOIN profile p ON p.id = i.profile_id
      WHERE i.type = 'email' AND i.value = $1`,
    [email],
  );
  return row;
}

function seed(email: string, status: MemberStatus, firstName: string): StoredMember {
  const [member] = emulator.seedMembers([{ email, status, mergeFields: { FNAME: firstName } }], {
    at: DAY_AGO,
  });
  return member;
}

describe('Mailchimp profile webhooks keep the email consent Mailchimp holds', () => {
  it.each<MemberStatus>(['subscribed', 'unsubscribed'])(
    'a profile update of a %s member: new name, same consent',
    async (status) => {
      const email = `${status}.member@northwind.dev`;
      const member = seed(email, status, 'Ann');
      await syncMembers();
      expect((await profileOf(email)).traits).toMatchObject({
        firstName: 'Ann',
        emailConsent: status,
      });

      // An admin edits the name in Mailchimp: a profile delivery, which carries no status.
      emulator.updateMember(member.id, { mergeFields: { FNAME: 'Annie' } });
      const { deliveries, outcomes } = await ingestDeliveries();

      expect(deliveries.map((d) => new URLSearchParams(d.rawBody.toString()).get('type'))).toEqual([
        'profile',
      ]);
      expect(deliveries[0].rawBody.toString()).not.toMatch(/status/);
      expect(outcomes).toEqual([{ ok: true, value: { outcome: 'ingested' } }]);
      const profile = await profileOf(email);
      expect(profile.traits).toMatchObject({ firstName: 'Annie', emailConsent: status });
      expect(profile.status).toBe('active');
    },
  );

  it.each([
    ['in one flush', 'carol', {}],
    ['one delivery at a time, the profile update first', 'cora', { oneByOne: true, reverse: true }],
  ])(
    'an address change: the member under the new address keeps the consent (%s)',
    async (_, name, order) => {
      const oldEmail = `${name}@northwind.dev`;
      const newEmail = `${name}.new@northwind.dev`;
      const member = seed(oldEmail, 'subscribed', 'Carol');
      await syncMembers();
      const before = await profileOf(oldEmail);

      // The member changes their address: an upemail delivery and, with it, a profile update.
      emulator.updateMember(member.id, { email: newEmail });
      const { deliveries, outcomes } = await ingestDeliveries(order);

      expect(deliveries.map((d) => new URLSearchParams(d.rawBody.toString()).get('type'))).toEqual([
        'upemail',
        'profile',
      ]);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const profile = await profileOf(newEmail);
      expect(profile.status).toBe('active');
      expect(profile.traits).toMatchObject({
        email: newEmail,
        firstName: 'Carol',
        emailConsent: 'subscribed',
      });
      // Still one person: the member under its new id stays with the profile that held the old.
      expect(profile.id).toBe(before.id);
      expect((await profileOf(oldEmail)).id).toBe(before.id);
    },
  );

  it('a member deleted since changes nothing; one archived since leaves the profile', async () => {
    const gone = seed('dave@northwind.dev', 'subscribed', 'Dave');
    const archived = seed('erin@northwind.dev', 'subscribed', 'Erin');
    await syncMembers();
    // Gone before the deliveries were taken: their own deliveries (the deletion's) are not here.
    emulator.store().deletePermanently(gone.id);
    emulator.store().archive(archived.id);
    const hookUrl = `${listener.url}/webhooks/${connectionId}?token=${TOKEN}`;
    await emulator.sendWebhook(hookUrl, 'profile', gone);
    await emulator.sendWebhook(hookUrl, 'profile', archived);

    const { outcomes } = await ingestDeliveries();

    expect(outcomes).toEqual([
      {
        ok: true,
        value: { outcome: 'skipped', reason: 'the vendor no longer returns this record' },
      },
      { ok: true, value: { outcome: 'ingested' } },
    ]);
    expect((await profileOf('dave@northwind.dev')).traits).toMatchObject({
      firstName: 'Dave',
      emailConsent: 'subscribed',
    });
    const erin = await profileOf('erin@northwind.dev');
    expect(erin.status).toBe('closed');
    expect(erin.traits).not.toHaveProperty('emailConsent');
  });

  it("the fetch waits out Mailchimp's 429s", async () => {
    const member = seed('fay@northwind.dev', 'unsubscribed', 'Fay');
    await syncMembers();
    emulator.injectFault({
      status: 429,
      times: 2,
      method: 'GET',
      pathPrefix: `/3.0/lists/${DEFAULT_LIST_ID}/members/${member.id}`,
    });
    emulator.updateMember(member.id, { mergeFields: { FNAME: 'Faye' } });

    const { outcomes } = await ingestDeliveries();

    expect(outcomes).toEqual([{ ok: true, value: { outcome: 'ingested' } }]);
    const gets = emulator.requests({
      method: 'GET',
      pathPrefix: `/3.0/lists/${DEFAULT_LIST_ID}/members/${member.id}`,
    });
    expect(gets.map((r) => r.status)).toEqual([429, 429, 200]);
    expect((await profileOf('fay@northwind.dev')).traits).toMatchObject({
      firstName: 'Faye',
      emailConsent: 'unsubscribed',
    });
  });
});
