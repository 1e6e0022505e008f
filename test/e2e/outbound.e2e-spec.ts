/**
 * The outbound path across the four bundled connectors, each against its emulator over real
 * HTTP: a change made in Shopify reaches HubSpot, Mailchimp and Zendesk in their own request
 * shapes; nothing is sent for an unchanged profile or for the echo of our own write; a
 * refused profile fails alone into the dead letters; an erase reaches every destination.
 */
import type { HubspotEmulator } from '../emulators/hubspot';
import { DEFAULT_LIST_ID, type MailchimpEmulator } from '../emulators/mailchimp';
import type { RecordedRequest } from '../emulators/common';
import type { ShopifyEmulator } from '../emulators/shopify';
import type { ZendeskEmulator } from '../emulators/zendesk';
import { FourTools, startFourTools } from '../support/four-tools';
import { triggerSync, waitForRun } from '../support/sync-api';
import type { TestApp } from '../support/test-app';
import type { TestEnvironment } from '../support/test-environment';
import { waitUntil } from '../support/wait-for';

const SHOPIFY_SECRET = 'shopify-client-secret';
const HUBSPOT_SECRET = 'hubspot-client-secret';
const NEW_PHONE = '+14155550199';

let env: TestEnvironment;
let app: TestApp;
let shopify: ShopifyEmulator;
let hubspot: HubspotEmulator;
let mailchimp: MailchimpEmulator;
let zendesk: ZendeskEmulator;
const ids: Record<'shopify' | 'hubspot' | 'mailchimp' | 'zendesk', string> = {
  shopify: '',
  hubspot: '',
  mailchimp: '',
  zendesk: '',
};

let tools: FourTools | undefined;

beforeAll(async () => {
  tools = await startFourTools({
    directions: { mailchimp: 'push', zendesk: 'push' },
    secrets: {
      shopify: SHOPIFY_SECRET,
      hubspot: HUBSPOT_SECRET,
      zendesk: 'zendesk-webhook-secret',
    },
    mailchimpToken: 'mailchimp-webhook-token',
    env: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' },
  });
  ({ env, app, shopify, hubspot, mailchimp, zendesk } = tools);
  Object.assign(ids, tools.ids);
});

afterAll(() => tools?.close());

function writes(): Record<string, RecordedRequest[]> {
  const isWrite = (request: RecordedRequest) =>
    ['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) &&
    !request.path.endsWith('/search') &&
    !request.path.endsWith('/batch/read') &&
    !request.path.includes('show_many');
  return {
    hubspot: hubspot.requests().filter(isWrite),
    mailchimp: mailchimp.requests().filter(isWrite),
    zendesk: zendesk.requests().filter(isWrite),
    shopify: shopify.requests().filter(isWrite),
  };
}

function writeCount(): number {
  return Object.values(writes()).reduce((sum, list) => sum + list.length, 0);
}

/** Lets every queue drain: coalescing window, relay poll, batches. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

const webhookUrl = (connectionId: string) => `${app.baseUrl}/webhooks/${connectionId}`;

describe('outbound across HubSpot, Mailchimp, Zendesk and Shopify', () => {
  let customerId: number;

  it('a phone added in Shopify reaches the other three in their own request shapes', async () => {
    const [customer] = shopify.seedCustomers([
      { email: 'lin@northwind.dev', first_name: 'Lin', last_name: 'Ade' },
    ]);
    customerId = customer.id;
    expect((await waitForRun(app, await triggerSync(app, ids.shopify))).status).toBe('succeeded');
    // The new person is created at each destination first.
    await waitUntil(() => {
      const w = writes();
      return w.hubspot.length > 0 && w.mailchimp.length > 0 && w.zendesk.length > 0;
    });
    await settle();
    const before = writes();

    const updated = shopify.updateCustomer(customerId, { phone: NEW_PHONE });
    const delivered = await shopify.sendWebhook(
      webhookUrl(ids.shopify),
      'customers/update',
      updated,
      {
        secret: SHOPIFY_SECRET,
      },
    );
    expect(delivered.status).toBe(200);
    await waitUntil(() => {
      const w = writes();
      return (
        w.hubspot.length > before.hubspot.length &&
        w.mailchimp.length > before.mailchimp.length &&
        w.zendesk.length > before.zendesk.length
      );
    });
    await settle();
    const after = writes();
    const [hubspotWrite] = after.hubspot.slice(before.hubspot.length);
    expect(hubspotWrite.path).toMatch(/^\/crm\/v3\/objects\/contacts\/batch\/(update|upsert)$/);
    expect(hubspotWrite.body).toMatchObject({
      inputs: [expect.objectContaining({ properties: { phone: NEW_PHONE } })],
    });
    const [mailchimpWrite] = after.mailchimp.slice(before.mailchimp.length);
    expect(mailchimpWrite.method).toBe('PUT');
    expect(mailchimpWrite.path).toMatch(
      new RegExp(`^/3.0/lists/${DEFAULT_LIST_ID}/members/[0-9a-f]{32}$`),
    );
    expect(mailchimpWrite.body).toMatchObject({ merge_fields: { PHONE: NEW_PHONE } });
    const [zendeskWrite] = after.zendesk.slice(before.zendesk.length);
    expect(zendeskWrite.body).toMatchObject({
      user: expect.objectContaining({ phone: NEW_PHONE }),
    });
    // The profile shows, per destination, when it was last pushed and how that went.
    const [{ profile_id: profileId }] = await env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE connection_id = $1 AND external_id = $2`,
      [ids.shopify, String(customerId)],
    );
    const profile = await app.request('GET', `/v1/profiles/${profileId}`);
    const pushes = (
      profile.body as {
        pushes: { connectionName: string; status: string; lastPushedAt: string | null }[];
      }
    ).pushes;
    expect(pushes.map((p) => [p.connectionName, p.status])).toEqual([
      ['hubspot', 'ok'],
      ['mailchimp', 'ok'],
      ['shopify', 'ok'],
      ['zendesk', 'ok'],
    ]);
    expect(pushes.find((p) => p.connectionName === 'zendesk')?.lastPushedAt).toEqual(
      expect.any(String),
    );
    // The value came from Shopify: nothing is written back to it.
    expect(after.shopify).toHaveLength(before.shopify.length);
    expect(mailchimp.member('lin@northwind.dev')?.mergeFields?.PHONE).toBe(NEW_PHONE);
  });

  it('sends nothing for a redelivered, unchanged record', async () => {
    const before = writeCount();
    const same = shopify.store.get(customerId)!;
    const delivered = await shopify.sendWebhook(webhookUrl(ids.shopify), 'customers/update', same, {
      secret: SHOPIFY_SECRET,
    });
    expect(delivered.status).toBe(200);
    await settle();
    expect(writeCount()).toBe(before);
  });

  it('sends nothing when HubSpot echoes our own write through its webhook', async () => {
    const contact = [...hubspot.store.all()].find(
      (c) => c.properties.email === 'lin@northwind.dev',
    )!;
    expect(contact.properties.phone).toBe(NEW_PHONE);
    const before = writeCount();
    const delivered = await hubspot.sendWebhook(
      webhookUrl(ids.hubspot),
      [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: Number(contact.id),
          propertyName: 'phone',
          propertyValue: NEW_PHONE,
        },
      ],
      { clientSecret: HUBSPOT_SECRET },
    );
    expect(delivered.status).toBe(200);
    await settle();
    expect(writeCount()).toBe(before);
  });

  it('two tools editing the same field settle on the newest value without a loop', async () => {
    const fromShop = '+14155550111';
    const fromCrm = '+14155550222';
    const contact = hubspot.store.all().find((c) => c.properties.email === 'lin@northwind.dev')!;
    const inShop = shopify.updateCustomer(customerId, { phone: fromShop });
    await shopify.sendWebhook(webhookUrl(ids.shopify), 'customers/update', inShop, {
      secret: SHOPIFY_SECRET,
    });
    // Edited in the CRM a moment later: the newer value should win everywhere.
    await new Promise((resolve) => setTimeout(resolve, 20));
    hubspot.updateContact(contact.id, { phone: fromCrm });
    await hubspot.sendWebhook(
      webhookUrl(ids.hubspot),
      [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: Number(contact.id),
          propertyName: 'phone',
          propertyValue: fromCrm,
        },
      ],
      { clientSecret: HUBSPOT_SECRET },
    );
    await waitUntil(() => shopify.store.get(customerId)?.phone === fromCrm);
    await waitUntil(() => mailchimp.member('lin@northwind.dev')?.mergeFields?.PHONE === fromCrm);
    await settle();
    // Settled: the echoes of those writes change nothing, so no more requests go out.
    const settled = writeCount();
    await settle();
    expect(writeCount()).toBe(settled);
    expect(hubspot.store.get(contact.id)?.properties.phone).toBe(fromCrm);
    expect(shopify.store.get(customerId)?.phone).toBe(fromCrm);
  });

  it('a profile one destination refuses fails alone there, into the dead letters', async () => {
    const before = writes();
    const [odd] = shopify.seedCustomers([{ email: 'fake@northwind.dev', first_name: 'Odd' }]);
    await shopify.sendWebhook(webhookUrl(ids.shopify), 'customers/create', odd, {
      secret: SHOPIFY_SECRET,
    });
    await waitUntil(async () => {
      const letters = await app.request(
        'GET',
        `/v1/dead-letters?queue=outbound&connectionId=${ids.mailchimp}`,
      );
      return (letters.body as { data: unknown[] }).data.length === 1;
    });
    const letters = await app.request('GET', `/v1/dead-letters?connectionId=${ids.mailchimp}`);
    expect((letters.body as { data: { error: string }[] }).data[0].error).toContain('looks fake');
    const [{ profile_id: oddId }] = await env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE connection_id = $1 AND external_id = $2`,
      [ids.shopify, String(odd.id)],
    );
    const oddProfile = await app.request('GET', `/v1/profiles/${oddId}`);
    expect(
      (
        oddProfile.body as { pushes: { connectionName: string; status: string; error: string }[] }
      ).pushes.find((p) => p.connectionName === 'mailchimp'),
    ).toMatchObject({ status: 'failed', error: expect.stringContaining('looks fake') });
    await waitUntil(() => {
      const w = writes();
      return w.hubspot.length > before.hubspot.length && w.zendesk.length > before.zendesk.length;
    });
    expect(
      JSON.stringify(
        writes()
          .hubspot.slice(before.hubspot.length)
          .map((r) => r.body),
      ),
    ).toContain('fake@northwind.dev');
  });

  it('an erase reaches every destination holding the person', async () => {
    const [{ profile_id: profileId }] = await env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE connection_id = $1 AND external_id = $2`,
      [ids.shopify, String(customerId)],
    );
    const before = writes();
    expect((await app.request('POST', `/v1/profiles/${profileId}/erase`)).status).toBe(200);
    await waitUntil(async () => {
      const left = await env.sql(`SELECT 1 FROM push_state WHERE profile_id = $1`, [profileId]);
      return left.length === 0;
    });
    const after = writes();
    expect(after.hubspot.slice(before.hubspot.length).map((r) => r.path)).toContain(
      '/crm/v3/objects/contacts/gdpr-delete',
    );
    expect(
      after.mailchimp
        .slice(before.mailchimp.length)
        .some((r) => r.path.endsWith('/actions/delete-permanent')),
    ).toBe(true);
    expect(
      after.zendesk.slice(before.zendesk.length).filter((r) => r.method === 'DELETE').length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      after.shopify.slice(before.shopify.length).map((r) => `${r.method} ${r.path}`),
    ).toContain(`DELETE /admin/api/2024-10/customers/${customerId}.json`);
    expect(mailchimp.member('lin@northwind.dev')).toBeUndefined();
  });
});
