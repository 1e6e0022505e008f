/**
 * Echoes, end to end: HubSpot, Mailchimp, Shopify and Zendesk all pulling and pushing (`both`),
 * driven over real HTTP against the emulators, each tool's notices sent when the tool would
 * send them (sometimes late). Syncline records what it sends to each tool and ranks a value a
 * tool hands back as a copy of its origin (README, Outbound, "Echoes keep their origin's
 * time"). What a demanding owner expects: an edit a person makes in any tool is never lost to
 * a copy, a copy never reverts an edit, and nothing ping-pongs.
 */
import type { StoredMember } from '../emulators/mailchimp/member-store';
import type { CustomerInput } from '../emulators/shopify/customer-store';
import { ECHO_CLOCK_SKEW_MS } from '../../src/profiles/survivorship/sent-values';
import { useFourTools } from '../support/four-tools';
import { journeyHelpers, sleep, TORONTO_APARTMENT } from '../support/journey-helpers';
import { waitUntil } from '../support/wait-for';

const SECRETS = { shopify: 'shop-secret', hubspot: 'crm-secret', zendesk: 'desk-secret' };
const AN_HOUR_AGO = () => Date.now() - 3_600_000;

const tools = useFourTools({
  secrets: SECRETS,
  mailchimpToken: 'echo-journeys-webhook-token',
  env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' },
});
const { shopify, hubspot, mailchimp, zendesk, ids } = tools;
const { settle, profileByEmail, changesOf, fullSync, setPriority, editInShop, editInCrm } =
  journeyHelpers(tools);

/**
 * A customer created in the shop an hour ago and announced; once every other tool holds them,
 * HubSpot's and Zendesk's notices of the contact and user our writes created come back.
 */
async function shopCustomer(email: string, input: CustomerInput = {}) {
  const [customer] = shopify.seedCustomers([{ email, ...input }], { at: AN_HOUR_AGO() });
  await tools.shopifyWebhook('customers/create', customer.id);
  await waitUntil(
    () =>
      hubspot.store.findByEmail(email) !== undefined &&
      mailchimp.member(email) !== undefined &&
      zendesk.store.findByEmail(email) !== undefined,
  );
  const contactId = hubspot.store.findByEmail(email)!.id;
  await tools.hubspotWebhook(contactId);
  await tools.zendeskWebhook(email, 'user.created');
  await settle();
  return { customerId: customer.id, contactId };
}

/**
 * A shop customer whom a sales rep then renames in HubSpot: the name reaches every tool, and
 * the shop's and helpdesk's notices of our writes come back.
 */
async function renamedInCrm(email: string, shopName: string, crmName: string) {
  const { customerId, contactId } = await shopCustomer(email, { first_name: shopName });
  await editInCrm(contactId, { firstname: crmName });
  await waitUntil(() => shopify.store.get(customerId)?.first_name === crmName);
  await tools.shopifyWebhook('customers/update', customerId);
  await tools.zendeskWebhook(email);
  await settle();
  return { customerId, contactId };
}

/** The first name in the profile and in each tool. */
async function firstNames(email: string) {
  return {
    profile: (await profileByEmail(email))?.traits.firstName,
    shopify: shopify.store.findByEmail(email)?.first_name,
    hubspot: hubspot.store.findByEmail(email)?.properties.firstname,
    mailchimp: mailchimp.member(email)?.mergeFields.FNAME,
    zendesk: zendesk.store.findByEmail(email)?.name,
  };
}

const everywhere = (firstName: string) => ({
  profile: firstName,
  shopify: firstName,
  hubspot: firstName,
  mailchimp: firstName,
  zendesk: firstName,
});

/** Writes (not reads) about one person each tool received, for comparing before and after. */
function writesAbout(email: string) {
  const customerId = shopify.store.findByEmail(email)!.id;
  const marks = [
    email,
    `"id":"${hubspot.store.findByEmail(email)!.id}"`,
    mailchimp.member(email)!.id,
    String(customerId),
    String(zendesk.store.findByEmail(email)!.id),
  ];
  const about = (request: { method: string; path: string; body?: unknown }) =>
    request.method !== 'GET' &&
    marks.some((mark) => `${request.path} ${JSON.stringify(request.body ?? '')}`.includes(mark));
  return {
    hubspot: hubspot.requests().filter(about).length,
    mailchimp: mailchimp.requests().filter(about).length,
    shopify: shopify.requests().filter(about).length,
    zendesk: zendesk.requests().filter(about).length,
  };
}

describe('a person changing a field back in the tool we copied it to', () => {
  it('a HubSpot user retyping the name our newer write replaced wins everywhere', async () => {
    const email = 'rita.retype@northwind.dev';
    const { customerId, contactId } = await shopCustomer(email, { first_name: 'Rita' });
    await editInShop(customerId, { first_name: 'Margarita' });
    await waitUntil(() => hubspot.store.get(contactId)?.properties.firstname === 'Margarita');
    await tools.hubspotWebhook(contactId, 'firstname');
    await settle();
    // Longer after our write than a tool's clock may run ahead, so it cannot be its echo.
    await sleep(ECHO_CLOCK_SKEW_MS + 500);

    // Rita rings the sales team: she goes by Rita. They retype it in HubSpot.
    await editInCrm(contactId, { firstname: 'Rita' });
    await settle();

    expect(await firstNames(email)).toEqual(everywhere('Rita'));
    expect((await profileByEmail(email))?.provenance.firstName.connectionId).toBe(ids.hubspot);
  });

  it.each([
    ['no connection has a priority', 'ann.back', null],
    ['the CRM ranks above every other tool', 'pia.back', 10],
  ])(
    "a HubSpot user's own rename, then back to the name the shop once gave, wins everywhere (%s)",
    async (_case, name, priority) => {
      await setPriority('hubspot', priority);
      try {
        const email = `${name}@northwind.dev`;
        const { contactId } = await renamedInCrm(email, 'Ann', 'Anna');
        expect(await firstNames(email)).toEqual(everywhere('Anna'));

        // Ann tells the rep she prefers Ann after all; the rep types it back.
        await editInCrm(contactId, { firstname: 'Ann' });
        await settle();

        expect(await firstNames(email)).toEqual(everywhere('Ann'));
        const profile = await profileByEmail(email);
        expect(profile?.provenance.firstName.connectionId).toBe(ids.hubspot);
      } finally {
        // Not 0: that is a priority too, above every connection without one.
        await setPriority('hubspot', null);
      }
    },
  );
});

describe('late echoes', () => {
  it("Mailchimp's and HubSpot's late notices of our first write do not bring it back after the second", async () => {
    const email = 'lena.late@northwind.dev';
    const { customerId, contactId } = await shopCustomer(email, { first_name: 'Lena' });
    const profileId = (await profileByEmail(email))!.id;
    // Mailchimp's deliveries are held up for a while (its queue is behind).
    mailchimp.webhooks.remove(tools.mailchimpWebhookId);
    const held: { member: StoredMember; firedAt: number }[] = [];
    // The shop's rename reaches Mailchimp and HubSpot; Mailchimp's notice of it waits.
    const renameInShop = async (firstName: string) => {
      await editInShop(customerId, { first_name: firstName });
      await waitUntil(
        () =>
          mailchimp.member(email)?.mergeFields.FNAME === firstName &&
          hubspot.store.get(contactId)?.properties.firstname === firstName,
      );
      const member = structuredClone(mailchimp.member(email)!);
      held.push({ member, firedAt: member.lastChanged });
    };

    await renameInShop('Helena');
    await sleep(1100);
    await renameInShop('Helene');
    await settle();

    // The first write's notices arrive now: Mailchimp's carries its data as it was then;
    // HubSpot's names the property and value of then, but Syncline reads the contact as it is.
    await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'profile', held[0].member, {
      firedAt: held[0].firedAt,
    });
    await hubspot.sendWebhook(
      tools.webhookUrl('hubspot'),
      [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: Number(contactId),
          propertyName: 'firstname',
          propertyValue: 'Helena',
        },
      ],
      { clientSecret: SECRETS.hubspot },
    );
    await settle();
    await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'profile', held[1].member, {
      firedAt: held[1].firedAt,
    });
    await tools.registerMailchimpWebhook();
    await settle();

    expect(await firstNames(email)).toEqual(everywhere('Helene'));
    // The profile never went back to the first edit once it had the second.
    const names = (await changesOf(profileId))
      .map((change) => change.changes?.traits?.firstName?.after)
      .filter((name) => name !== undefined);
    expect(names.slice(names.indexOf('Helene'))).toEqual(['Helene']);
  });
});

describe('echoes of the records our writes create', () => {
  it("the CRM's and helpdesk's notices of contacts we created do not outrank the shop's correction of the same second", async () => {
    const email = 'cara.create@northwind.dev';
    // Shopify stamps customers to the second: the customer signs up and corrects the name
    // within it, and both versions carry the same `updated_at`.
    const second = Math.floor(Date.now() / 1000) * 1000;
    const [customer] = shopify.seedCustomers([{ email, first_name: 'Cara' }], { at: second });
    await tools.shopifyWebhook('customers/create', customer.id);
    await waitUntil(
      () =>
        hubspot.store.findByEmail(email) !== undefined &&
        zendesk.store.findByEmail(email) !== undefined,
    );
    shopify.updateCustomer(customer.id, { first_name: 'Carla' }, second + 900);
    const contactId = hubspot.store.findByEmail(email)!.id;
    // The tools' creation notices of what our writes made arrive before the shop's update.
    await tools.hubspotWebhook(contactId);
    await tools.zendeskWebhook(email, 'user.created');
    await waitUntil(async () =>
      ((await profileByEmail(email))?.sources ?? []).some(
        (source) => source.connectionId === ids.hubspot,
      ),
    );
    await tools.shopifyWebhook('customers/update', customer.id);
    await settle();

    expect(await firstNames(email)).toEqual(everywhere('Carla'));
    const hubspotSource = (await profileByEmail(email))?.sources.find(
      (source) => source.connectionId === ids.hubspot,
    );
    expect(hubspotSource?.echoedTraits).toContain('firstName');
  });
});

describe('structured traits copied to tools that hold only part of them', () => {
  it("HubSpot's copy of an address (it has no second line) does not erase the apartment number elsewhere", async () => {
    const email = 'abe.address@northwind.dev';
    const address = TORONTO_APARTMENT;
    const { customerId } = await shopCustomer(email, {
      first_name: 'Abe',
      default_address: address,
    });

    expect(hubspot.store.findByEmail(email)?.properties).toMatchObject({
      address: '12 Harbour St',
      city: 'Toronto',
      zip: 'M5J 2N8',
    });
    const profile = await profileByEmail(email);
    expect({
      profile: (profile?.traits.address as { line2?: string } | undefined)?.line2,
      shopify: shopify.store.get(customerId)?.default_address?.address2,
      mailchimp: (mailchimp.member(email)?.mergeFields.ADDRESS as { addr2?: string } | undefined)
        ?.addr2,
    }).toEqual({ profile: 'Apt 4', shopify: 'Apt 4', mailchimp: 'Apt 4' });
  });
});

describe('connection priority: the CRM ranks above every other tool', () => {
  beforeEach(() => setPriority('hubspot', 10));
  // Not 0: that is a priority too, above every connection without one.
  afterEach(() => setPriority('hubspot', null));

  it("a copied name stays a copy when the CRM edits something else; the CRM user's own rename then takes over", async () => {
    const email = 'quinn.copy2@northwind.dev';
    const { customerId, contactId } = await shopCustomer(email, { first_name: 'Quinn' });
    // A rep fills in the job title: HubSpot's record is newer, its name still our copy.
    await editInCrm(contactId, { jobtitle: 'Buyer' });
    await waitUntil(async () => (await profileByEmail(email))?.traits.jobTitle === 'Buyer');
    await settle();

    // The customer corrects the name in the shop: it flows everywhere, the CRM included.
    await editInShop(customerId, { first_name: 'Quincy' });
    await waitUntil(() => hubspot.store.get(contactId)?.properties.firstname === 'Quincy');
    await tools.hubspotWebhook(contactId, 'firstname');
    await settle();
    expect(await firstNames(email)).toEqual(everywhere('Quincy'));

    // The rep renames the contact in HubSpot: the CRM's own value outranks the shop's.
    await editInCrm(contactId, { firstname: 'Q' });
    await waitUntil(() => shopify.store.get(customerId)?.first_name === 'Q');
    await tools.shopifyWebhook('customers/update', customerId);
    await settle();

    expect(await firstNames(email)).toEqual(everywhere('Q'));
    expect((await profileByEmail(email))?.provenance.firstName.connectionId).toBe(ids.hubspot);
    expect((await profileByEmail(email))?.traits.jobTitle).toBe('Buyer');
  });

  it("a shop edit the CRM's own name outranks is put right in the shop", async () => {
    const email = 'rex.rank@northwind.dev';
    const { customerId } = await renamedInCrm(email, 'Rex', 'Rexford');

    // Someone at the till retypes the name; the CRM's value ranks first.
    await editInShop(customerId, { first_name: 'Rexie' });
    await settle();

    expect(await firstNames(email)).toEqual(everywhere('Rexford'));
  });
});

describe('a copy left behind by a write that failed', () => {
  it("a CRM edit of another field does not make the CRM's stale copy of the old name win", async () => {
    const email = 'sid.stale@northwind.dev';
    const { customerId, contactId } = await shopCustomer(email, { first_name: 'Sid' });
    // HubSpot refuses our writes for a while (the token was rotated); the push of the shop's
    // rename gives up and waits in the dead letters for the owner to replay it.
    hubspot.injectFault({
      method: 'POST',
      pathPrefix: '/crm/v3/objects/contacts/batch',
      status: 401,
      times: 3,
    });
    const refused = () =>
      hubspot.requests({ pathPrefix: '/crm/v3/objects/contacts/batch' }).filter((r) => r.faulted)
        .length;
    await editInShop(customerId, { first_name: 'Sidney' });
    await waitUntil(
      () => refused() === 3 && mailchimp.member(email)?.mergeFields.FNAME === 'Sidney',
    );
    await settle();
    expect(hubspot.store.get(contactId)?.properties.firstname).toBe('Sid');
    await sleep(ECHO_CLOCK_SKEW_MS + 500);

    // A rep fills in the job title; HubSpot still holds the old name we wrote there.
    await editInCrm(contactId, { jobtitle: 'Owner' });
    await waitUntil(async () => (await profileByEmail(email))?.traits.jobTitle === 'Owner');
    await settle();

    // HubSpot itself gets the new name when the owner replays the failed push.
    const names = await firstNames(email);
    expect([names.profile, names.shopify, names.mailchimp, names.zendesk]).toEqual(
      Array(4).fill('Sidney'),
    );
  });
});

describe('consent', () => {
  it("resubscribing in Mailchimp after an unsubscribe the shop sent there is the person's own choice", async () => {
    const email = 'una.resub@northwind.dev';
    const { customerId } = await shopCustomer(email, {
      first_name: 'Una',
      email_marketing_consent: {
        state: 'subscribed',
        consent_updated_at: new Date(AN_HOUR_AGO()).toISOString(),
      },
    });
    expect(mailchimp.member(email)?.status).toBe('subscribed');
    await editInShop(customerId, { email_marketing_consent: { state: 'unsubscribed' } });
    await waitUntil(() => mailchimp.member(email)?.status === 'unsubscribed');
    await settle();
    expect((await profileByEmail(email))?.traits.emailConsent).toBe('unsubscribed');
    await sleep(ECHO_CLOCK_SKEW_MS + 1500);

    // Una signs up again through the Mailchimp form.
    mailchimp.updateMember(mailchimp.member(email)!.id, { status: 'subscribed' });
    await settle();

    expect({
      profile: (await profileByEmail(email))?.traits.emailConsent,
      mailchimp: mailchimp.member(email)?.status,
    }).toEqual({ profile: 'subscribed', mailchimp: 'subscribed' });
  });
});

describe('after a series of pushes', () => {
  it("every tool's full sync changes nothing and writes nothing", async () => {
    const email = 'ida.idem@northwind.dev';
    const { customerId, contactId } = await shopCustomer(email, {
      first_name: 'Ida',
      last_name: 'Idem',
      phone: '+14155550134',
      tags: 'vip, wholesale',
      default_address: { company: 'Northwind' },
    });
    await editInShop(customerId, { last_name: 'Idema' });
    await waitUntil(() => hubspot.store.get(contactId)?.properties.lastname === 'Idema');
    await tools.hubspotWebhook(contactId, 'lastname');
    await tools.zendeskWebhook(email);
    await settle();
    // A rep retypes the phone in national format and adds a job title.
    await editInCrm(contactId, { phone: '(415) 555-0135' });
    await editInCrm(contactId, { jobtitle: 'Buyer' });
    await waitUntil(() => shopify.store.get(customerId)?.phone === '+14155550135');
    await tools.shopifyWebhook('customers/update', customerId);
    await tools.zendeskWebhook(email);
    await settle();
    const profile = (await profileByEmail(email))!;
    expect(profile.traits).toMatchObject({
      firstName: 'Ida',
      lastName: 'Idema',
      phone: '+14155550135',
      jobTitle: 'Buyer',
      company: 'Northwind',
      tags: ['vip', 'wholesale'],
    });
    expect(
      mailchimp
        .member(email)
        ?.tags.map((tag) => tag.name)
        .sort(),
    ).toEqual(['vip', 'wholesale']);
    const changesBefore = (await changesOf(profile.id)).length;
    const writesBefore = writesAbout(email);

    for (const id of [ids.shopify, ids.hubspot, ids.mailchimp]) await fullSync(id);
    await settle();

    expect((await changesOf(profile.id)).length).toBe(changesBefore);
    expect(writesAbout(email)).toEqual(writesBefore);
    expect((await profileByEmail(email))?.traits).toEqual(profile.traits);
  });
});

describe('a person who asks for their data, then to be erased', () => {
  it('the export lists what was sent to each tool; the erase leaves no sent values', async () => {
    const email = 'eve.export@northwind.dev';
    await shopCustomer(email, { first_name: 'Eve', phone: '+14155550136' });
    const profileId = (await profileByEmail(email))!.id;

    const exported = await tools.app.request('GET', `/v1/profiles/${profileId}/export`);
    expect(exported.status).toBe(200);
    const sent = (
      exported.body as {
        sentValues: { connectionId: string; traits: Record<string, { value: unknown }[]> }[];
      }
    ).sentValues;
    const sentFirstName = (connectionId: string) =>
      sent.find((entry) => entry.connectionId === connectionId)?.traits.firstName?.at(-1)?.value;
    expect({
      hubspot: sentFirstName(ids.hubspot),
      mailchimp: sentFirstName(ids.mailchimp),
      zendesk: sentFirstName(ids.zendesk),
    }).toEqual({ hubspot: 'Eve', mailchimp: 'Eve', zendesk: 'Eve' });

    expect(
      (await tools.app.request('POST', `/v1/profiles/${profileId}/erase`)).status,
    ).toBeLessThan(300);
    await waitUntil(() => hubspot.store.findByEmail(email) === undefined, 20_000);
    expect(
      await tools.env.sql('SELECT 1 FROM push_sent_values WHERE profile_id = $1', [profileId]),
    ).toEqual([]);
  });

  it('the export lists the values sent to a tool whose write then failed', async () => {
    const email = 'fay.failed@northwind.dev';
    // HubSpot's token was revoked: every write there fails until the owner fixes it.
    hubspot.injectFault({
      method: 'POST',
      pathPrefix: '/crm/v3/objects/contacts/batch',
      status: 401,
      times: 50,
    });
    try {
      const [customer] = shopify.seedCustomers([{ email, first_name: 'Fay' }], {
        at: AN_HOUR_AGO(),
      });
      await tools.shopifyWebhook('customers/create', customer.id);
      await waitUntil(() => mailchimp.member(email) !== undefined);
      const profileId = (await profileByEmail(email))!.id;
      await waitUntil(
        async () =>
          (
            await tools.env.sql(
              'SELECT 1 FROM push_sent_values WHERE profile_id = $1 AND connection_id = $2',
              [profileId, ids.hubspot],
            )
          ).length === 1,
      );
      await settle();
      expect(hubspot.store.findByEmail(email)).toBeUndefined();

      const exported = await tools.app.request('GET', `/v1/profiles/${profileId}/export`);
      const sent = (exported.body as { sentValues: { connectionId: string; traits: object }[] })
        .sentValues;
      // What Syncline holds about Fay for HubSpot is hers too: a data-subject request lists it.
      expect(sent.find((entry) => entry.connectionId === ids.hubspot)?.traits).toMatchObject({
        firstName: [expect.objectContaining({ value: 'Fay' })],
      });
    } finally {
      hubspot.clearFaults();
    }
  });
});
