/**
 * A business whose customers live in HubSpot, Mailchimp, Shopify and Zendesk at once, every
 * connection pulling and pushing (`both`), driven end to end over real HTTP against the
 * emulators: what the owner sees in each tool and in the profile API after realistic sequences
 * of edits, echoes and consent changes, and over a person's whole life cycle (erase, a delete in
 * one tool, priority, the same change arriving twice, a merge and its split).
 */
import { useFourTools } from '../support/four-tools';
import { journeyHelpers, JourneyProfile, sleep } from '../support/journey-helpers';
import { triggerSync, waitForRun } from '../support/sync-api';
import { waitUntil } from '../support/wait-for';

const SHOPIFY_SECRET = 'shopify-client-secret';
const HUBSPOT_SECRET = 'hubspot-client-secret';
const ZENDESK_SECRET = 'zendesk-webhook-secret';

const tools = useFourTools({
  secrets: { shopify: SHOPIFY_SECRET, hubspot: HUBSPOT_SECRET, zendesk: ZENDESK_SECRET },
  mailchimpToken: 'mailchimp-webhook-token-0123456789',
  env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' },
});
const { shopify, hubspot, mailchimp, zendesk, ids } = tools;
const { settle, profileById, profileByEmail, changesOf, fullSync, setPriority } =
  journeyHelpers(tools);

/** A customer created in the shop an hour ago, delivered, and pushed on until HubSpot has them. */
async function shopCustomerReachingHubspot(
  email: string,
  firstName: string,
): Promise<{ customerId: number; contactId: string }> {
  const [customer] = shopify.seedCustomers([{ email, first_name: firstName }], {
    at: Date.now() - 3_600_000,
  });
  await tools.shopifyWebhook('customers/create', customer.id);
  await waitUntil(() => hubspot.store.findByEmail(email)?.properties.firstname === firstName);
  return { customerId: customer.id, contactId: hubspot.store.findByEmail(email)!.id };
}

/** Whether the person's source from `connectionId` holds that first name yet. */
async function sourceHoldsFirstName(
  email: string,
  connectionId: string,
  firstName: string,
): Promise<boolean> {
  return ((await profileByEmail(email))?.sources ?? []).some(
    (source) => source.connectionId === connectionId && source.traits?.firstName === firstName,
  );
}

/** The first name the person has in the profile and in each tool. */
async function firstNameEverywhere(email: string, customerId: number, contactId: string) {
  return {
    profile: (await profileByEmail(email))?.traits.firstName,
    shopify: shopify.store.get(customerId)?.first_name,
    hubspot: hubspot.store.get(contactId)?.properties.firstname,
    mailchimp: mailchimp.member(email)?.mergeFields?.FNAME,
    zendesk: zendesk.store.findByEmail(email)?.name,
  };
}

const liveSources = (profile: JourneyProfile | undefined) =>
  (profile?.sources ?? []).filter((source) => !source.deleted).map((source) => source.connectionId);

describe('a customer across four tools, from first record to erasure', () => {
  it('an erased person leaves every tool and no sync or webhook brings them back', async () => {
    const email = 'erin.erase@northwind.dev';
    const longAgo = Date.now() - 3_600_000;
    const [contact] = hubspot.seedContacts([{ email, firstname: 'Erin' }], { at: longAgo });
    const [customer] = shopify.seedCustomers([{ email, first_name: 'Erin' }], { at: longAgo });
    const [member] = mailchimp.seedMembers([{ email, status: 'subscribed' }], { at: longAgo });
    const [user] = zendesk.seedUsers([{ email, name: 'Erin' }], { at: longAgo });
    await tools.hubspotWebhook(contact.id);
    await tools.shopifyWebhook('customers/create', customer.id);
    await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'subscribe', member);
    await tools.zendeskWebhook(email, 'user.created');
    await waitUntil(async () => liveSources(await profileByEmail(email)).length === 4);
    await settle();
    const profile = (await profileByEmail(email))!;
    // What each tool would still send about Erin: a late retry of an earlier delivery.
    const staleCustomer = structuredClone(shopify.store.get(customer.id)!);
    const staleUser = structuredClone(zendesk.store.get(user.id)!);

    const erased = await tools.app.request('POST', `/v1/profiles/${profile.id}/erase`);
    expect(erased.status).toBeLessThan(300);
    // Each connector's documented erase: a GDPR delete in HubSpot, a permanent delete in
    // Mailchimp, a delete in Shopify (no orders), a delete then permanent delete in Zendesk.
    await waitUntil(
      () =>
        hubspot.store.get(contact.id) === undefined &&
        mailchimp.member(email) === undefined &&
        shopify.store.get(customer.id) === undefined &&
        zendesk.store.live().every((held) => held.email !== email),
      20_000,
    ).catch(() => {
      throw new Error(
        `still held: ${JSON.stringify({
          hubspot: hubspot.store.get(contact.id)?.properties.email,
          mailchimp: mailchimp.member(email)?.status,
          shopify: shopify.store.get(customer.id)?.email,
          zendesk: zendesk.store.live().filter((held) => held.email === email).length,
        })}`,
      );
    });

    // The tools' stale deliveries and every connection's next full sync come after.
    await tools.hubspotWebhook(contact.id);
    const resent = await shopify.sendWebhook(
      tools.webhookUrl('shopify'),
      'customers/update',
      staleCustomer,
      { secret: SHOPIFY_SECRET },
    );
    expect(resent.status).toBe(200);
    await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'profile', member);
    const resentUser = await zendesk.sendWebhook(
      tools.webhookUrl('zendesk'),
      'user.created',
      staleUser,
      {
        secret: ZENDESK_SECRET,
      },
    );
    expect(resentUser.status).toBe(200);
    for (const id of Object.values(ids)) await fullSync(id);
    await settle();

    expect(await profileByEmail(email)).toBeUndefined();
    expect(hubspot.store.all().filter((c) => c.properties.email === email)).toEqual([]);
    expect(shopify.store.findByEmail(email)).toBeUndefined();
    expect(mailchimp.member(email)).toBeUndefined();
    expect(zendesk.store.live().filter((held) => held.email === email)).toEqual([]);
  });

  it('a customer deleted in Shopify or archived in HubSpot leaves that tool only', async () => {
    const email = 'dee.delete@northwind.dev';
    const longAgo = Date.now() - 3_600_000;
    const [customer] = shopify.seedCustomers([{ email, first_name: 'Dee' }], { at: longAgo });
    await tools.shopifyWebhook('customers/create', customer.id);
    await waitUntil(
      () =>
        mailchimp.member(email) !== undefined &&
        hubspot.store.findByEmail(email) !== undefined &&
        zendesk.store.findByEmail(email) !== undefined,
    );
    await settle();
    const contactId = hubspot.store.findByEmail(email)!.id;
    // Every tool now holds Dee and reports her back.
    for (const id of Object.values(ids)) await fullSync(id);
    // Zendesk's export holds back the last minute's changes; its webhook reports the user now.
    await tools.zendeskWebhook(email, 'user.created');
    await waitUntil(async () => liveSources(await profileByEmail(email)).length === 4);
    await settle();
    const pushesBefore = mailchimp.requests().length;

    shopify.deleteCustomer(customer.id);
    const deleted = await shopify.sendWebhook(
      tools.webhookUrl('shopify'),
      'customers/delete',
      customer.id,
      {
        secret: SHOPIFY_SECRET,
      },
    );
    expect(deleted.status).toBe(200);
    await waitUntil(async () => !liveSources(await profileByEmail(email)).includes(ids.shopify));
    await settle();

    let profile = await profileByEmail(email);
    expect(profile?.traits).toMatchObject({ email, firstName: 'Dee' });
    expect(hubspot.store.get(contactId)?.archived).toBe(false);
    expect(mailchimp.member(email)).toBeDefined();
    expect(zendesk.store.findByEmail(email)).toBeDefined();
    // Syncline does not re-create a customer the owner deleted in Shopify.
    expect(shopify.store.findByEmail(email)).toBeUndefined();
    expect(mailchimp.requests().length).toBe(pushesBefore);

    hubspot.archiveContact(contactId);
    await hubspot.sendWebhook(
      tools.webhookUrl('hubspot'),
      [{ subscriptionType: 'contact.deletion', objectId: Number(contactId) }],
      { clientSecret: HUBSPOT_SECRET },
    );
    await waitUntil(async () => !liveSources(await profileByEmail(email)).includes(ids.hubspot));
    await settle();

    profile = await profileByEmail(email);
    expect(profile?.traits).toMatchObject({ email, firstName: 'Dee' });
    expect(mailchimp.member(email)?.status).toBeDefined();
    expect(zendesk.store.findByEmail(email)).toBeDefined();
    expect(hubspot.store.findByEmail(email)).toBeUndefined();
    expect(shopify.store.findByEmail(email)).toBeUndefined();
  });

  it('a change arriving by webhook and again by sync is stored and pushed once', async () => {
    const email = 'sam.twice@northwind.dev';
    const [customer] = shopify.seedCustomers([{ email, first_name: 'Sam' }], {
      at: Date.now() - 3_600_000,
    });
    await tools.shopifyWebhook('customers/create', customer.id);
    await waitUntil(
      () =>
        zendesk.store.findByEmail(email) !== undefined &&
        mailchimp.member(email) !== undefined &&
        hubspot.store.findByEmail(email) !== undefined,
    );
    await settle();
    const profileId = (await profileByEmail(email))!.id;

    shopify.updateCustomer(customer.id, { last_name: 'Twice' });
    await tools.shopifyWebhook('customers/update', customer.id);
    await waitUntil(() => zendesk.store.findByEmail(email)?.name === 'Sam Twice');
    await settle();
    const history = async () => (await changesOf(profileId)).length;
    const changesBefore = await history();
    const requestsBefore = {
      hubspot: hubspot.requests().filter((r) => r.method !== 'GET').length,
      mailchimp: mailchimp.requests().filter((r) => r.method !== 'GET').length,
      zendesk: zendesk.requests().filter((r) => r.method !== 'GET').length,
    };

    await fullSync(ids.shopify);
    await triggerSync(tools.app, ids.shopify, { mode: 'incremental' }).then((run) =>
      waitForRun(tools.app, run),
    );
    await tools.shopifyWebhook('customers/update', customer.id);
    await settle();

    expect(await history()).toBe(changesBefore);
    expect({
      hubspot: hubspot.requests().filter((r) => r.method !== 'GET').length,
      mailchimp: mailchimp.requests().filter((r) => r.method !== 'GET').length,
      zendesk: zendesk.requests().filter((r) => r.method !== 'GET').length,
    }).toEqual(requestsBefore);
    expect((await profileByEmail(email))?.traits.lastName).toBe('Twice');
  });
  it('edits made in HubSpot, Mailchimp and Zendesk, each seen by webhook and by sync, move once', async () => {
    const email = 'tia.twice@northwind.dev';
    const longAgo = Date.now() - 3_600_000;
    const [contact] = hubspot.seedContacts([{ email, firstname: 'Tia' }], { at: longAgo });
    await tools.hubspotWebhook(contact.id);
    await waitUntil(
      () =>
        mailchimp.member(email) !== undefined &&
        shopify.store.findByEmail(email) !== undefined &&
        zendesk.store.findByEmail(email) !== undefined,
    );
    await settle();
    const profileId = (await profileByEmail(email))!.id;
    const userId = zendesk.store.findByEmail(email)!.id;
    const memberId = mailchimp.member(email)!.id;

    // Two minutes ago (Zendesk's export leaves out the last minute) each tool got an edit,
    // each announced by its webhook.
    const twoMinutesAgo = Date.now() - 120_000;
    hubspot.updateContact(contact.id, { jobtitle: 'Buyer' }, twoMinutesAgo);
    await tools.hubspotWebhook(contact.id, 'jobtitle');
    mailchimp.updateMember(memberId, { mergeFields: { LNAME: 'Twice' } }, { at: twoMinutesAgo });
    await mailchimp.flushWebhooks();
    zendesk.updateUser(userId, { phone: '+14155550177' }, twoMinutesAgo);
    await tools.zendeskWebhook(email);
    await waitUntil(async () => {
      const traits = (await profileByEmail(email))?.traits ?? {};
      return (
        traits.jobTitle === 'Buyer' &&
        traits.lastName === 'Twice' &&
        traits.phone === '+14155550177'
      );
    });
    await settle();

    const changes = async () => (await changesOf(profileId)).length;
    // Writes about Tia: the syncs also bring in other people (Zendesk's own staff accounts).
    const customerId = shopify.store.findByEmail(email)!.id;
    const aboutTia = (request: { method: string; path: string; body?: unknown }) => {
      if (request.method === 'GET') return false;
      const text = `${request.path} ${JSON.stringify(request.body ?? '')}`;
      return [email, `"id":"${contact.id}"`, memberId, String(customerId), String(userId)].some(
        (mark) => text.includes(mark),
      );
    };
    const writes = () => ({
      hubspot: hubspot.requests().filter(aboutTia).length,
      mailchimp: mailchimp.requests().filter(aboutTia).length,
      shopify: shopify.requests().filter(aboutTia).length,
      zendesk: zendesk.requests().filter(aboutTia).length,
    });
    const changesBefore = await changes();
    const writesBefore = writes();

    for (const id of [ids.hubspot, ids.mailchimp, ids.zendesk]) {
      await waitForRun(tools.app, await triggerSync(tools.app, id, { mode: 'incremental' }));
    }
    // Zendesk's full export leaves out the last minute's changes (see the report): only the
    // other tools are read in full here.
    for (const id of [ids.hubspot, ids.mailchimp]) await fullSync(id);
    await settle();

    expect(await changes()).toBe(changesBefore);
    expect(writes()).toEqual(writesBefore);
    expect((await profileByEmail(email))?.traits).toMatchObject({
      jobTitle: 'Buyer',
      lastName: 'Twice',
      phone: '+14155550177',
    });
  });
});

describe('connection priority', () => {
  beforeEach(() => setPriority('hubspot', 10));
  // Not 0: that is a priority too, above every connection without one.
  afterEach(() => setPriority('hubspot', null));

  it("the CRM's name outranks a newer one typed in the shop, in the profile and every tool", async () => {
    const email = 'pat.priority@northwind.dev';
    const [contact] = hubspot.seedContacts([{ email, firstname: 'Pat' }], {
      at: Date.now() - 3_600_000,
    });
    await tools.hubspotWebhook(contact.id);
    await waitUntil(
      () =>
        mailchimp.member(email)?.mergeFields?.FNAME === 'Pat' &&
        shopify.store.findByEmail(email) !== undefined &&
        zendesk.store.findByEmail(email)?.name === 'Pat',
    );
    await settle();
    const customerId = shopify.store.findByEmail(email)!.id;

    // Someone at the till retypes her name, later than the CRM's value.
    shopify.updateCustomer(customerId, { first_name: 'Patty' });
    await tools.shopifyWebhook('customers/update', customerId);
    await waitUntil(async () =>
      ((await profileByEmail(email))?.sources ?? []).some(
        (source) => source.connectionId === ids.shopify && source.traits?.firstName === 'Patty',
      ),
    );
    await settle();

    expect((await profileByEmail(email))?.traits.firstName).toBe('Pat');
    expect(mailchimp.member(email)?.mergeFields?.FNAME).toBe('Pat');
    expect(zendesk.store.findByEmail(email)?.name).toBe('Pat');
    expect(hubspot.store.get(contact.id)?.properties.firstname).toBe('Pat');
    // The winning value is pushed to the shop too: the owner sees one name everywhere.
    expect(shopify.store.get(customerId)?.first_name).toBe('Pat');
  });

  it("the CRM's copy of a name it got from the shop does not outrank the shop's next edit", async () => {
    const email = 'quinn.copy@northwind.dev';
    const { customerId, contactId } = await shopCustomerReachingHubspot(email, 'Quinn');
    // HubSpot tells us about the contact our write created: the name is the shop's, copied.
    await tools.hubspotWebhook(contactId);
    await waitUntil(async () => liveSources(await profileByEmail(email)).includes(ids.hubspot));
    await settle();

    // The customer corrects their name in the shop.
    shopify.updateCustomer(customerId, { first_name: 'Quincy' });
    await tools.shopifyWebhook('customers/update', customerId);
    await waitUntil(() => sourceHoldsFirstName(email, ids.shopify, 'Quincy'));
    await settle();

    expect(await firstNameEverywhere(email, customerId, contactId)).toEqual({
      profile: 'Quincy',
      shopify: 'Quincy',
      hubspot: 'Quincy',
      mailchimp: 'Quincy',
      zendesk: 'Quincy',
    });
  });
});

describe('a couple merged through their shared email, then split', () => {
  /**
   * Ann is in HubSpot under the household email, Ben in Zendesk under his own; each reaches
   * every tool. Then Ben adds his phone to the household's Mailchimp subscription, which
   * links his profile to Ann's.
   */
  async function mergedCouple(name: string): Promise<{
    household: string;
    own: string;
    annId: string;
    benId: string;
  }> {
    const household = `${name}.household@northwind.dev`;
    const own = `${name}.ben@northwind.dev`;
    const benPhone = name === 'lee' ? '+14155550142' : '+14155550143';
    const longAgo = Date.now() - 3_600_000;
    const [contact] = hubspot.seedContacts([{ email: household, firstname: 'Ann' }], {
      at: longAgo,
    });
    zendesk.seedUsers([{ email: own, name: 'Ben', phone: benPhone }], { at: longAgo });
    await tools.hubspotWebhook(contact.id);
    await tools.zendeskWebhook(own, 'user.created');
    await waitUntil(() =>
      [household, own].every(
        (email) =>
          mailchimp.member(email) !== undefined &&
          shopify.store.findByEmail(email) !== undefined &&
          hubspot.store.findByEmail(email) !== undefined &&
          zendesk.store.findByEmail(email) !== undefined,
      ),
    );
    await settle();
    const annId = (await profileByEmail(household))!.id;
    const benId = (await profileByEmail(own))!.id;
    expect(annId).not.toBe(benId);

    mailchimp.updateMember(mailchimp.member(household)!.id, { mergeFields: { PHONE: benPhone } });
    await mailchimp.flushWebhooks();
    await waitUntil(async () => (await profileById(benId)).status === 'merged');
    await settle();
    return { household, own, annId, benId };
  }

  /** Each tool holds Ann under the household email and Ben under his own, apart. */
  function expectApartInEveryTool(household: string, own: string): void {
    const names = (email: string) => ({
      hubspot: hubspot.store.findByEmail(email)?.properties.firstname,
      mailchimp: mailchimp.member(email)?.mergeFields?.FNAME,
      shopify: shopify.store.findByEmail(email)?.first_name,
      zendesk: zendesk.store.findByEmail(email)?.name,
    });
    expect({ household: names(household), own: names(own) }).toEqual({
      household: { hubspot: 'Ann', mailchimp: 'Ann', shopify: 'Ann', zendesk: 'Ann' },
      own: { hubspot: 'Ben', mailchimp: 'Ben', shopify: 'Ben', zendesk: 'Ben' },
    });
  }

  it.each([
    ['lee', true],
    ['kim', false],
  ])(
    '%s: after the split each tool holds each person apart (blockIdentifier %s)',
    async (name, block) => {
      const { household, own, annId, benId } = await mergedCouple(name);

      const split = await tools.app.request('POST', `/v1/profiles/${annId}/split`, {
        body: block ? { blockIdentifier: true } : {},
      });
      expect(split.status).toBe(200);
      await settle();

      const ann = await profileById(annId);
      const ben = await profileById(benId);
      expect(ann.traits).toMatchObject({ email: household, firstName: 'Ann' });
      expect(ben.traits).toMatchObject({ email: own, firstName: 'Ben' });
      // Ben's helpdesk record went back to him, with what it brought.
      const zendeskSources = (profile: JourneyProfile) =>
        profile.sources.filter((source) => source.connectionId === ids.zendesk);
      expect(zendeskSources(ben).map((source) => source.externalId)).toEqual([
        String(zendesk.store.findByEmail(own)!.id),
      ]);
      expect(zendeskSources(ann)).toEqual([]);
      expect(ann.traits).not.toHaveProperty(['custom', 'zendesk']);
      expectApartInEveryTool(household, own);
    },
  );
});

describe('Zendesk full sync', () => {
  it('a full Zendesk sync right after a change keeps the user it already holds', async () => {
    const email = 'zed.recent@northwind.dev';
    const [user] = zendesk.seedUsers([{ email, name: 'Zed Recent', phone: '+14155550188' }], {
      at: Date.now() - 3_600_000,
    });
    await zendesk.sendWebhook(tools.webhookUrl('zendesk'), 'user.created', user, {
      secret: ZENDESK_SECRET,
    });
    await waitUntil(async () => liveSources(await profileByEmail(email)).includes(ids.zendesk));
    await settle();

    // An agent edits Zendesk's user; the webhook brings the change in at once.
    zendesk.updateUser(user.id, { phone: '+14155550189' });
    await zendesk.sendWebhook(
      tools.webhookUrl('zendesk'),
      'user.details_changed',
      zendesk.store.get(user.id)!,
      { secret: ZENDESK_SECRET },
    );
    await waitUntil(async () => (await profileByEmail(email))?.traits.phone === '+14155550189');
    await settle();
    const profileId = (await profileByEmail(email))!.id;
    const history = async () => (await changesOf(profileId)).length;
    const changesBefore = await history();

    // The nightly full sync happens to start within the minute Zendesk's export leaves out.
    await fullSync(ids.zendesk);
    await settle();

    const profile = await profileByEmail(email);
    expect(zendesk.store.get(user.id)?.active).not.toBe(false);
    expect(profile?.sources.find((s) => s.connectionId === ids.zendesk)?.deleted).toBe(false);
    expect(profile?.traits.phone).toBe('+14155550189');
    expect(await history()).toBe(changesBefore);
  });
});

describe('a customer in several tools, every connection pulling and pushing', () => {
  it('a stale pending consent from Shopify does not send an opt-in email to someone who unsubscribed in Mailchimp', async () => {
    const email = 'eva.pending@northwind.dev';
    const [member] = mailchimp.seedMembers([{ email, status: 'subscribed' }], {
      at: Date.now() - 7_200_000,
    });
    await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'subscribe', member);
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
    await tools.shopifyWebhook('customers/create', customer.id);
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
    await tools.hubspotWebhook(contact.id);
    await waitUntil(
      () =>
        mailchimp.member(oldEmail) !== undefined &&
        shopify.store.findByEmail(oldEmail) !== undefined &&
        zendesk.store.live().some((user) => user.email === oldEmail),
    );
    await settle();
    const customerId = shopify.store.findByEmail(oldEmail)!.id;

    hubspot.updateContact(contact.id, { email: newEmail });
    await tools.hubspotWebhook(contact.id, 'email');
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
    const startedAt = new Date().toISOString();
    const customers = shopify.seedCustomers(
      people.map((email) => ({ email, first_name: 'Old' })),
      { at: Date.now() - 3_600_000 },
    );
    for (const customer of customers) await tools.shopifyWebhook('customers/create', customer.id);
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
      await tools.shopifyWebhook('customers/update', customer.id);
    }
    await waitUntil(
      () =>
        people.every((email) => mailchimp.member(email)?.mergeFields?.FNAME === 'New') &&
        people.every((email) => hubspot.store.findByEmail(email)?.properties.firstname === 'New'),
      30_000,
    );
    await settle();

    // None of this test's pushes gave up (earlier journeys in this file leave their own).
    const letters = await tools.app.request('GET', '/v1/dead-letters?queue=outbound');
    const ours = (letters.body as { data: { failedAt: string }[] }).data.filter(
      (letter) => letter.failedAt >= startedAt,
    );
    expect(ours).toEqual([]);
    for (const email of people) {
      expect(zendesk.store.findByEmail(email)?.name).toBe('New');
      expect(hubspot.store.all().filter((c) => c.properties.email === email)).toHaveLength(1);
    }
  });

  it("a second edit in the same second wins over other tools' echoes of the first", async () => {
    const email = 'sam.second@northwind.dev';
    const { customerId, contactId } = await shopCustomerReachingHubspot(email, 'Sam');
    await settle();

    // Sam corrects his name twice within one second. Shopify dates customers to the second,
    // so both versions carry the same `updated_at`, older than our writes to the other tools.
    const second = Math.floor(Date.now() / 1000) * 1000;
    shopify.updateCustomer(customerId, { first_name: 'Samuel' }, second);
    await tools.shopifyWebhook('customers/update', customerId);
    await waitUntil(() => hubspot.store.get(contactId)?.properties.firstname === 'Samuel');
    shopify.updateCustomer(customerId, { first_name: 'Sammy' }, second + 900);
    // HubSpot's notice of our write of the first edit arrives before Shopify's of the second.
    await tools.hubspotWebhook(contactId, 'firstname');
    await waitUntil(() => sourceHoldsFirstName(email, ids.hubspot, 'Samuel'));
    await tools.shopifyWebhook('customers/update', customerId);
    await settle();
    await tools.hubspotWebhook(contactId, 'firstname');
    await settle();

    expect(await firstNameEverywhere(email, customerId, contactId)).toEqual({
      profile: 'Sammy',
      shopify: 'Sammy',
      hubspot: 'Sammy',
      mailchimp: 'Sammy',
      zendesk: 'Sammy',
    });
  });

  it('unsubscribing in Mailchimp and then buying in Shopify leaves the person unsubscribed', async () => {
    const email = 'ana.unsub@northwind.dev';
    const an_hour_ago = Date.now() - 3_600_000;
    const [customer] = shopify.seedCustomers(
      [{ email, first_name: 'Ana', email_marketing_consent: { state: 'subscribed' } }],
      { at: an_hour_ago },
    );
    await tools.shopifyWebhook('customers/create', customer.id);
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
    await tools.shopifyWebhook('customers/update', customer.id);
    await settle();

    expect({
      profile: (await profileByEmail(email))?.traits.emailConsent,
      mailchimp: mailchimp.member(email)?.status,
    }).toEqual({ profile: 'unsubscribed', mailchimp: 'unsubscribed' });
  });
});
