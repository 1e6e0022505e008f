/**
 * A business whose customers live in HubSpot, Mailchimp, Shopify and Zendesk at once, every
 * connection pulling and pushing (`both`), driven end to end over real HTTP against the
 * emulators: what the owner sees in each tool after realistic sequences of edits, echoes and
 * consent changes.
 */
import { HubspotEmulator } from '../emulators/hubspot';
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../emulators/mailchimp';
import { ShopifyEmulator, type ShopifyWebhookTopic } from '../emulators/shopify';
import { ZendeskEmulator } from '../emulators/zendesk';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { waitUntil } from '../support/wait-for';

const SHOPIFY_SECRET = 'shopify-client-secret';
const HUBSPOT_SECRET = 'hubspot-client-secret';
const ZENDESK_SECRET = 'zendesk-webhook-secret';
const MAILCHIMP_TOKEN = 'mailchimp-webhook-token-0123456789';

let env: TestEnvironment;
let app: TestApp;
let shopify: ShopifyEmulator;
let hubspot: HubspotEmulator;
let mailchimp: MailchimpEmulator;
let zendesk: ZendeskEmulator;
const ids = { shopify: '', hubspot: '', mailchimp: '', zendesk: '' };

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' } });
  app = await startTestApp(env.config);
  shopify = new ShopifyEmulator();
  hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  mailchimp = new MailchimpEmulator();
  zendesk = new ZendeskEmulator({ rateLimit: false, userUpdateRateLimit: false });
  await Promise.all([shopify.start(), hubspot.start(), mailchimp.start(), zendesk.start()]);
  ids.shopify = await connection(
    'shopify',
    { baseUrl: shopify.apiBaseUrl() },
    { accessToken: 'test-token', clientSecret: SHOPIFY_SECRET },
  );
  ids.hubspot = await connection(
    'hubspot',
    { baseUrl: hubspot.baseUrl },
    { accessToken: 'test-token', clientSecret: HUBSPOT_SECRET },
  );
  ids.mailchimp = await connection(
    'mailchimp',
    { listId: DEFAULT_LIST_ID, baseUrl: mailchimp.apiBaseUrl() },
    { apiKey: DEFAULT_API_KEY, webhookToken: MAILCHIMP_TOKEN },
  );
  ids.zendesk = await connection(
    'zendesk',
    { baseUrl: zendesk.apiBaseUrl() },
    { email: 'admin@example.com', apiToken: 'test-token', webhookSecret: ZENDESK_SECRET },
  );
  // The owner ticked every source in Mailchimp's webhook form, API changes included: each of
  // our writes comes back as a delivery.
  const registered = await mailchimp.webhooks.register(DEFAULT_LIST_ID, {
    url: `${webhookUrl(ids.mailchimp)}?token=${MAILCHIMP_TOKEN}`,
    sources: { user: true, admin: true, api: true },
  });
  if (!('id' in registered))
    throw new Error(`webhook not registered: ${JSON.stringify(registered)}`);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([shopify, hubspot, mailchimp, zendesk].map((emulator) => emulator?.stop()));
  await env?.teardown();
});

async function connection(
  connector: string,
  config: Record<string, unknown>,
  credentials: Record<string, string>,
): Promise<string> {
  const response = await app.request('POST', '/v1/connections', {
    body: { connector, name: connector, direction: 'both', config, credentials },
  });
  if (response.status !== 201) throw new Error(`${connector}: ${response.text}`);
  return (response.body as { id: string }).id;
}

const webhookUrl = (connectionId: string) => `${app.baseUrl}/webhooks/${connectionId}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets the queues drain and Mailchimp's echoes come back and settle. */
async function settle(): Promise<void> {
  await sleep(1500);
  await mailchimp.flushWebhooks();
  await sleep(1500);
}

interface ProfileBody {
  id: string;
  traits: Record<string, unknown>;
}

async function profileByEmail(email: string): Promise<ProfileBody | undefined> {
  const response = await app.request('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
  const [first] = (response.body as { data: ProfileBody[] }).data;
  if (!first) return undefined;
  return (await app.request('GET', `/v1/profiles/${first.id}`)).body as ProfileBody;
}

async function shopifyWebhook(topic: ShopifyWebhookTopic, customerId: number): Promise<void> {
  const customer = shopify.store.get(customerId)!;
  const sent = await shopify.sendWebhook(webhookUrl(ids.shopify), topic, customer, {
    secret: SHOPIFY_SECRET,
  });
  expect(sent.status).toBe(200);
}

async function hubspotWebhook(
  contactId: string,
  event: 'contact.creation' | 'contact.propertyChange',
  property?: { name: string; value: string },
): Promise<void> {
  const sent = await hubspot.sendWebhook(
    webhookUrl(ids.hubspot),
    [
      {
        subscriptionType: event,
        objectId: Number(contactId),
        ...(property ? { propertyName: property.name, propertyValue: property.value } : {}),
      },
    ],
    { clientSecret: HUBSPOT_SECRET },
  );
  expect(sent.status).toBe(200);
}

describe('a customer in several tools, every connection pulling and pushing', () => {
  it('a stale pending consent from Shopify does not send an opt-in email to someone who unsubscribed in Mailchimp', async () => {
    const email = 'eva.pending@northwind.dev';
    const [member] = mailchimp.seedMembers([{ email, status: 'subscribed' }], {
      at: Date.now() - 7_200_000,
    });
    await mailchimp.sendWebhook(
      `${webhookUrl(ids.mailchimp)}?token=${MAILCHIMP_TOKEN}`,
      'subscribe',
      member,
    );
    await waitUntil(
      async () => (await profileByEmail(email))?.traits.emailConsent === 'subscribed',
    );
    await settle();

    // Eva unsubscribes from a campaign email.
    mailchimp.updateMember(member.id, { status: 'unsubscribed' });
    await mailchimp.flushWebhooks();
    await waitUntil(
      async () => (await profileByEmail(email))?.traits.emailConsent === 'unsubscribed',
    );
    await settle();

    // Later she checks out in the shop, whose double opt-in once asked her to confirm (she
    // never did): her customer record, created now, still says "pending".
    const [customer] = shopify.seedCustomers([
      { email, first_name: 'Eva', email_marketing_consent: { state: 'pending' } },
    ]);
    await shopifyWebhook('customers/create', customer.id);
    await settle();

    const statusesSent = mailchimp
      .requests()
      .filter((request) => request.method === 'PUT' && request.path.endsWith(member.id))
      .map((request) => (request.body as { status?: string }).status)
      .filter((status) => status !== undefined);
    // Setting an unsubscribed member to "pending" makes Mailchimp email them an opt-in
    // request: a re-subscription only they may start.
    expect(statusesSent).toEqual([]);
    expect(mailchimp.member(email)?.status).toBe('unsubscribed');
  });

  it('an email changed in HubSpot follows the person into Mailchimp, Shopify and Zendesk', async () => {
    const oldEmail = 'cy.old@northwind.dev';
    const newEmail = 'cy.new@northwind.dev';
    const longAgo = Date.now() - 3_600_000;
    const [contact] = hubspot.seedContacts([{ email: oldEmail, firstname: 'Cy' }], {
      at: longAgo,
    });
    await hubspotWebhook(contact.id, 'contact.creation');
    await waitUntil(
      () =>
        mailchimp.member(oldEmail) !== undefined &&
        shopify.store.findByEmail(oldEmail) !== undefined &&
        zendesk.store.live().some((user) => user.email === oldEmail),
    );
    await settle();
    const customerId = shopify.store.findByEmail(oldEmail)!.id;

    hubspot.updateContact(contact.id, { email: newEmail });
    await hubspotWebhook(contact.id, 'contact.propertyChange', { name: 'email', value: newEmail });
    await waitUntil(() => mailchimp.member(newEmail) !== undefined);
    await settle();

    expect(mailchimp.member(oldEmail)).toBeUndefined();
    expect(mailchimp.member(newEmail)?.mergeFields?.FNAME).toBe('Cy');
    expect(shopify.store.get(customerId)?.email).toBe(newEmail);
    expect(shopify.store.findByEmail(oldEmail)).toBeUndefined();
    const zendeskUsers = zendesk.store.live().filter((user) => /^cy\./.test(user.email ?? ''));
    expect(zendeskUsers.map((user) => user.email)).toEqual([newEmail]);
    expect(hubspot.store.all().filter((c) => /^cy\./.test(c.properties.email ?? ''))).toHaveLength(
      1,
    );
    const profile = await profileByEmail(newEmail);
    expect(profile?.traits.email).toBe(newEmail);
    expect(profile?.traits.firstName).toBe('Cy');
  });

  it('a destination answering 429 and 503 mid-batch still ends with every person right, once', async () => {
    const people = ['gus', 'hal', 'ivy', 'jo'].map((name) => `${name}.batch@northwind.dev`);
    const customers = shopify.seedCustomers(
      people.map((email) => ({ email, first_name: 'Old' })),
      { at: Date.now() - 3_600_000 },
    );
    for (const customer of customers) await shopifyWebhook('customers/create', customer.id);
    await waitUntil(() => people.every((email) => mailchimp.member(email) !== undefined));
    await settle();

    // Everyone is renamed in the shop at once; HubSpot is over its ten-second limit for one
    // batch and Mailchimp answers 503 to a few member writes.
    hubspot.injectFault({
      method: 'POST',
      pathPrefix: '/crm/v3/objects/contacts/batch',
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
      times: 1,
    });
    mailchimp.injectFault({ method: 'PUT', pathPrefix: '/3.0/lists', status: 503, times: 3 });
    for (const customer of customers) {
      shopify.updateCustomer(customer.id, { first_name: 'New' });
      await shopifyWebhook('customers/update', customer.id);
    }
    await waitUntil(
      () =>
        people.every((email) => mailchimp.member(email)?.mergeFields?.FNAME === 'New') &&
        people.every((email) => hubspot.store.findByEmail(email)?.properties.firstname === 'New'),
      30_000,
    );
    await settle();

    const letters = await app.request('GET', '/v1/dead-letters?queue=outbound');
    expect((letters.body as { data: unknown[] }).data).toEqual([]);
    for (const email of people) {
      expect(zendesk.store.findByEmail(email)?.name).toBe('New');
      expect(hubspot.store.all().filter((c) => c.properties.email === email)).toHaveLength(1);
    }
  });

  it('unsubscribing in Mailchimp and then buying in Shopify leaves the person unsubscribed', async () => {
    const email = 'ana.unsub@northwind.dev';
    const an_hour_ago = Date.now() - 3_600_000;
    const [customer] = shopify.seedCustomers(
      [{ email, first_name: 'Ana', email_marketing_consent: { state: 'subscribed' } }],
      { at: an_hour_ago },
    );
    await shopifyWebhook('customers/create', customer.id);
    await waitUntil(() => mailchimp.member(email)?.status === 'subscribed');
    await settle();

    // Ana clicks "unsubscribe" in a campaign email.
    const unsubscribed = mailchimp.updateMember(mailchimp.member(email)!.id, {
      status: 'unsubscribed',
    });
    await mailchimp.flushWebhooks();
    expect(unsubscribed.status).toBe('unsubscribed');
    await waitUntil(
      async () => (await profileByEmail(email))?.traits.emailConsent === 'unsubscribed',
    );

    // A minute later she buys something: Shopify bumps her customer record (orders_count),
    // still showing the marketing state it had, which she never changed there.
    await sleep(1100);
    shopify.updateCustomer(customer.id, { orders_count: 1 });
    await shopifyWebhook('customers/update', customer.id);
    await settle();

    expect({
      profile: (await profileByEmail(email))?.traits.emailConsent,
      mailchimp: mailchimp.member(email)?.status,
    }).toEqual({ profile: 'unsubscribed', mailchimp: 'unsubscribed' });
  });
});
