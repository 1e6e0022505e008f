/**
 * Addresses, households, people known only by name and Mailchimp address changes, end to end:
 * HubSpot, Mailchimp, Shopify and Zendesk all pulling and pushing (`both`), driven over real
 * HTTP against the emulators.
 *
 * What an integration admin relies on:
 * - an apartment number another tool holds for the same place is kept when the CRM (no second
 *   line) wins the address, one the customer removes in the shop stays removed, and a move
 *   (another apartment, another city) is never undone by it;
 * - a CRM contact holding only a city does not wipe the shop's street address;
 * - a move to an address without a postcode stays a move, even when Mailchimp, which cannot
 *   take such an address, sends its member again;
 * - a household phone does not turn two people into one, nor hand one's records to the other,
 *   not even a deleted customer's;
 * - a person known only by name is one record in each tool and one profile, however often the
 *   tools send their records again;
 * - a member whose address changes in Mailchimp (even back again) stays with their person, and
 *   every tool follows.
 */
import type { StoredUser } from '../emulators/zendesk';
import { useFourTools } from '../support/four-tools';
import { AN_HOUR_AGO, journeyHelpers, sleep, TORONTO_APARTMENT } from '../support/journey-helpers';
import { waitUntil } from '../support/wait-for';

/** Journeys wait for several rounds of deliveries to settle. */
const JOURNEY_TIMEOUT_MS = 120_000;

const SECRETS = { shopify: 'shop-secret', hubspot: 'crm-secret', zendesk: 'desk-secret' };
const tools = useFourTools({
  secrets: SECRETS,
  mailchimpToken: 'household-and-address-journeys-webhook-token',
  env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' },
});
const { shopify, hubspot, mailchimp, zendesk } = tools;
const {
  settle,
  profileById,
  profileByEmail,
  withCrmRankedFirst,
  editInShop,
  editInCrm,
  deliverEveryRecord,
  everyToolHolds,
  shopCustomer,
} = journeyHelpers(tools);

async function profileIdsByEmail(email: string): Promise<string[]> {
  const found = await tools.app.request('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
  return (found.body as { data: { id: string }[] }).data.map((profile) => profile.id);
}

/** The traits of the one profile holding `email`. */
async function traitsOf(email: string): Promise<Record<string, unknown>> {
  const profile = await profileByEmail(email);
  expect(profile).toBeDefined();
  return profile!.traits;
}

async function allProfiles(): Promise<{ id: string; traits: Record<string, unknown> }[]> {
  const response = await tools.app.request('GET', '/v1/profiles?limit=200');
  return (response.body as { data: { id: string; traits: Record<string, unknown> }[] }).data;
}

/** Zendesk's notice of a user, also of one without an email (`tools.zendeskWebhook` needs one). */
async function announceZendeskUser(user: StoredUser): Promise<void> {
  const sent = await zendesk.sendWebhook(tools.webhookUrl('zendesk'), 'user.created', user, {
    secret: SECRETS.zendesk,
  });
  expect(sent.status).toBe(200);
}

/** The customer closes their shop account and Shopify announces it. */
async function deleteInShop(customerId: number): Promise<void> {
  shopify.deleteCustomer(customerId);
  const sent = await shopify.sendWebhook(
    tools.webhookUrl('shopify'),
    'customers/delete',
    customerId,
    {
      secret: SECRETS.shopify,
    },
  );
  expect(sent.status).toBe(200);
}

/** How many live records with this email each tool holds. */
function recordsWithEmail(email: string) {
  const wanted = email.toLowerCase();
  const member = mailchimp.member(email);
  return {
    shopify: shopify.store.all().filter((c) => c.email?.toLowerCase() === wanted).length,
    hubspot: hubspot.store
      .all()
      .filter((c) => !c.archived && c.properties.email?.toLowerCase() === wanted).length,
    zendesk: zendesk.store.all().filter((u) => u.active && u.email?.toLowerCase() === wanted)
      .length,
    mailchimp: member && member.status !== 'archived' ? 1 : 0,
  };
}

const NOWHERE = { shopify: 0, hubspot: 0, zendesk: 0, mailchimp: 0 };
const EVERYWHERE = { shopify: 1, hubspot: 1, zendesk: 1, mailchimp: 1 };

/** Hong Kong has no postcodes. */
const HONG_KONG = {
  address1: "1 Queen's Road Central",
  address2: null,
  city: 'Hong Kong',
  province_code: null,
  zip: null,
  country_code: 'HK',
};

describe('addresses HubSpot holds only part of (no second line)', () => {
  it(
    "the CRM, ranked first, retyping the postcode keeps the shop's apartment; a move to another apartment of the building then reaches every tool",
    () =>
      withCrmRankedFirst(async () => {
        const email = 'bea.building@northwind.dev';
        const { customerId, contactId } = await shopCustomer(email, {
          first_name: 'Bea',
          default_address: TORONTO_APARTMENT,
        });
        // The rep's own postcode, spaced and cased otherwise: the same place, so the CRM's
        // address (now the winner) keeps the shop's second line.
        await editInCrm(contactId, { zip: 'm5j2n8' });
        await settle();
        await deliverEveryRecord(email);
        expect((await traitsOf(email)).address).toMatchObject({
          line2: 'Apt 4',
          postalCode: 'm5j2n8',
        });

        await editInShop(customerId, {
          default_address: { ...TORONTO_APARTMENT, zip: 'm5j2n8', address2: 'Apt 9' },
        });
        await settle();
        await deliverEveryRecord(email);

        expect((await traitsOf(email)).address).toMatchObject({
          line1: '12 Harbour St',
          line2: 'Apt 9',
        });
        expect(shopify.store.get(customerId)?.default_address?.address2).toBe('Apt 9');
        expect(mailchimp.member(email)?.mergeFields.ADDRESS).toMatchObject({ addr2: 'Apt 9' });
      }),
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "the same street in another city, recorded in the CRM ranked first, is a move: the old address's apartment is not lent to it",
    () =>
      withCrmRankedFirst(async () => {
        const email = 'homer.evergreen@northwind.dev';
        const { customerId, contactId } = await shopCustomer(email, {
          first_name: 'Homer',
          default_address: {
            address1: '742 Evergreen Terrace',
            address2: 'Unit 2',
            city: 'Springfield',
            province_code: 'MA',
            zip: null,
            country_code: 'US',
          },
        });
        await editInCrm(contactId, { city: 'Shelbyville', state: 'IL' });
        await settle();
        await deliverEveryRecord(email);

        const address = (await traitsOf(email)).address as Record<string, unknown>;
        expect(address).toMatchObject({ line1: '742 Evergreen Terrace', city: 'Shelbyville' });
        expect(address.line2 ?? null).toBeNull();
        expect(shopify.store.get(customerId)?.default_address).toMatchObject({
          address2: null,
          city: 'Shelbyville',
        });
      }),
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'an apartment the customer removes in the shop stays removed in every tool while the CRM, ranked first, holds the same place without one, even when the CRM sends its contact again',
    () =>
      withCrmRankedFirst(async () => {
        const email = 'ada.no.apartment@northwind.dev';
        const { customerId, contactId } = await shopCustomer(email, {
          first_name: 'Ada',
          default_address: TORONTO_APARTMENT,
        });
        await editInCrm(contactId, { zip: 'M5J2N8' });
        await settle();
        expect((await traitsOf(email)).address).toMatchObject({
          line2: 'Apt 4',
          postalCode: 'M5J2N8',
        });

        // Mailchimp still holds our copy of "Apt 4": it must not bring the apartment back.
        await editInShop(customerId, {
          default_address: { ...TORONTO_APARTMENT, zip: 'M5J2N8', address2: null },
        });
        await settle();
        await deliverEveryRecord(email);
        await editInCrm(contactId, { firstname: 'Adah' });
        await settle();
        await deliverEveryRecord(email);

        const traits = await traitsOf(email);
        expect(traits).toMatchObject({
          firstName: 'Adah',
          address: { line1: TORONTO_APARTMENT.address1, postalCode: 'M5J2N8' },
        });
        expect((traits.address as Record<string, unknown>).line2 ?? null).toBeNull();
        expect(shopify.store.get(customerId)?.default_address?.address2 ?? null).toBeNull();
        expect(mailchimp.member(email)?.mergeFields.ADDRESS).toMatchObject({ addr2: '' });
      }),
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "connecting a shop and a CRM: a contact holding only a city, touched after the shop's customer, does not wipe the shop's street address",
    async () => {
      const email = 'cy.onboarding@northwind.dev';
      const [customer] = shopify.seedCustomers(
        [{ email, first_name: 'Cy', default_address: TORONTO_APARTMENT }],
        { at: AN_HOUR_AGO() },
      );
      const [contact] = hubspot.seedContacts([{ email, firstname: 'Cy', city: 'Toronto' }], {
        at: Date.now() - 1_800_000,
      });
      await tools.shopifyWebhook('customers/create', customer.id);
      await tools.hubspotWebhook(contact.id);
      await settle();
      await everyToolHolds(email);

      expect(await profileIdsByEmail(email)).toHaveLength(1);
      expect(shopify.store.get(customer.id)?.default_address).toMatchObject(TORONTO_APARTMENT);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a move to an address without a postcode stays a move when Mailchimp, which keeps the old address, sends its member again',
    async () => {
      const email = 'kai.central@northwind.dev';
      const { customerId, contactId } = await shopCustomer(email, {
        first_name: 'Kai',
        default_address: TORONTO_APARTMENT,
      });
      await editInShop(customerId, { default_address: HONG_KONG });
      await settle();
      await deliverEveryRecord(email);
      // Past the echo clock skew: the marketer's edit is Mailchimp's own, later change.
      await sleep(6000);
      mailchimp.updateMember(mailchimp.member(email)!.id, { mergeFields: { FNAME: 'Kairo' } });
      await settle();
      await deliverEveryRecord(email);

      const traits = await traitsOf(email);
      expect(traits).toMatchObject({
        firstName: 'Kairo',
        address: { line1: HONG_KONG.address1, city: 'Hong Kong', country: 'HK' },
      });
      expect((traits.address as Record<string, unknown>).postalCode ?? null).toBeNull();
      expect(shopify.store.get(customerId)?.default_address).toMatchObject({
        address1: HONG_KONG.address1,
        zip: null,
      });
      expect(hubspot.store.get(contactId)?.properties).toMatchObject({
        address: HONG_KONG.address1,
        city: 'Hong Kong',
      });
      expect(hubspot.store.get(contactId)?.properties.zip ?? null).toBeNull();
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('a household phone', () => {
  it(
    "Alice, created in the CRM with the phone of Bob (in every tool already), stays apart: her member and user are hers, Bob's records his",
    async () => {
      const phone = '+14155550181';
      const bob = 'bob.landline@northwind.dev';
      const alice = 'alice.landline@northwind.dev';
      const { profile: bobProfile } = await shopCustomer(bob, { first_name: 'Bob', phone });
      const [contact] = hubspot.seedContacts([{ email: alice, firstname: 'Alice', phone }]);
      await tools.hubspotWebhook(contact.id);
      await settle();
      await waitUntil(
        () =>
          mailchimp.member(alice) !== undefined && zendesk.store.findByEmail(alice) !== undefined,
      );
      // Her member and user carry her email and Bob's phone.
      await mailchimp.sendWebhook(
        tools.webhookUrl('mailchimp'),
        'profile',
        mailchimp.member(alice)!,
      );
      await deliverEveryRecord(alice);
      await deliverEveryRecord(bob);

      const aliceIds = await profileIdsByEmail(alice);
      expect(aliceIds).toHaveLength(1);
      expect(aliceIds).not.toContain(bobProfile.id);
      expect((await profileById(aliceIds[0])).traits).toMatchObject({
        email: alice,
        firstName: 'Alice',
      });
      expect((await profileById(bobProfile.id)).traits).toMatchObject({
        email: bob,
        firstName: 'Bob',
      });
      expect(recordsWithEmail(bob)).toEqual(EVERYWHERE);
      expect(mailchimp.member(alice)?.mergeFields.FNAME).toBe('Alice');
      expect(zendesk.store.findByEmail(alice)?.name).toBe('Alice');
    },
    JOURNEY_TIMEOUT_MS,
  );
  it(
    'Bob, signing up in the shop with the phone of Alice, whose shop account was closed, gets a profile of his own; her other records stay hers',
    async () => {
      const phone = '+14155550199';
      const alice = 'alice.closed@northwind.dev';
      const bob = 'bob.signup@northwind.dev';
      const {
        customerId,
        contactId,
        profile: aliceProfile,
      } = await shopCustomer(alice, { first_name: 'Alice', phone });
      await deleteInShop(customerId);
      await settle();
      const [bobCustomer] = shopify.seedCustomers([{ email: bob, first_name: 'Bob', phone }]);
      await tools.shopifyWebhook('customers/create', bobCustomer.id);
      await settle();
      await deliverEveryRecord(bob);
      await deliverEveryRecord(alice);

      const bobIds = await profileIdsByEmail(bob);
      expect(bobIds).toHaveLength(1);
      expect(bobIds).not.toContain(aliceProfile.id);
      expect((await profileById(bobIds[0])).traits).toMatchObject({ email: bob, firstName: 'Bob' });
      expect((await profileById(aliceProfile.id)).traits).toMatchObject({
        email: alice,
        firstName: 'Alice',
      });
      expect(recordsWithEmail(bob)).toEqual(EVERYWHERE);
      expect(recordsWithEmail(alice)).toEqual({ ...EVERYWHERE, shopify: 0 });
      expect(hubspot.store.get(contactId)?.properties).toMatchObject({
        email: alice,
        firstname: 'Alice',
      });
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('a person known only by name', () => {
  it(
    'a Zendesk end-user with a name and nothing else becomes one shop customer and one profile, however often the tools send their records again',
    async () => {
      const profilesBefore = (await allProfiles()).length;
      const shopNadias = () => shopify.store.all().filter((c) => c.first_name === 'Nadia');
      const deskNadias = () => zendesk.store.all().filter((u) => u.name === 'Nadia Nameonly');
      await announceZendeskUser(zendesk.createUser({ name: 'Nadia Nameonly' }, AN_HOUR_AGO()));
      await settle();
      await waitUntil(() => shopNadias().length > 0);
      // Each round, every record of hers comes back; nothing but Syncline's own link (no email,
      // no phone) can tie it to her.
      for (let round = 0; round < 3; round += 1) {
        for (const customer of shopNadias()) {
          await tools.shopifyWebhook('customers/create', customer.id);
        }
        for (const user of deskNadias()) await announceZendeskUser(user);
        await settle();
      }

      const profiles = await allProfiles();
      expect(profiles.length - profilesBefore).toBe(1);
      expect(profiles.filter((profile) => profile.traits.firstName === 'Nadia')).toHaveLength(1);
      expect(shopNadias()).toHaveLength(1);
      expect(deskNadias()).toHaveLength(1);
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('an address change in Mailchimp', () => {
  it(
    'keeps the member with its person: one profile, every tool moves to the new address, none keeps the old',
    async () => {
      const oldEmail = 'mia.old@northwind.dev';
      const newEmail = 'mia.new@northwind.dev';
      const { profile } = await shopCustomer(oldEmail, { first_name: 'Mia' });

      mailchimp.updateMember(mailchimp.member(oldEmail)!.id, { email: newEmail });
      await settle();
      await deliverEveryRecord(newEmail);

      expect(await profileIdsByEmail(newEmail)).toEqual([profile.id]);
      expect((await profileById(profile.id)).traits.email).toBe(newEmail);
      expect(recordsWithEmail(newEmail)).toEqual(EVERYWHERE);
      expect(recordsWithEmail(oldEmail)).toEqual(NOWHERE);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'keeps a member who shares the household phone with Bob (who has a member too) with Alice, not Bob',
    async () => {
      const phone = '+14155550171';
      const bob = 'bob.renumbered@northwind.dev';
      const alice = 'alice.renumbered@northwind.dev';
      const aliceNew = 'alice.renumbered.new@northwind.dev';
      const { profile: bobProfile } = await shopCustomer(bob, { first_name: 'Bob', phone });
      const { profile: aliceProfile } = await shopCustomer(alice, { first_name: 'Alice' });
      mailchimp.updateMember(mailchimp.member(alice)!.id, { mergeFields: { PHONE: phone } });
      await settle();
      await deliverEveryRecord(alice);
      await sleep(1100);

      mailchimp.updateMember(mailchimp.member(alice)!.id, { email: aliceNew });
      await settle();
      await deliverEveryRecord(aliceNew);

      expect(await profileIdsByEmail(aliceNew)).toEqual([aliceProfile.id]);
      expect((await profileById(aliceProfile.id)).traits).toMatchObject({
        email: aliceNew,
        firstName: 'Alice',
      });
      expect((await profileById(bobProfile.id)).traits).toMatchObject({
        email: bob,
        firstName: 'Bob',
      });
      expect(mailchimp.member(bob)?.mergeFields.FNAME).toBe('Bob');
    },
    JOURNEY_TIMEOUT_MS,
  );
  it(
    'keeps the member with its person when the address changes and changes back: one profile, every tool ends at the first address, also after an order in the shop',
    async () => {
      const first = 'mo.first@northwind.dev';
      const second = 'mo.second@northwind.dev';
      const { customerId, profile } = await shopCustomer(first, { first_name: 'Mo' });
      mailchimp.updateMember(mailchimp.member(first)!.id, { email: second });
      await settle();
      await deliverEveryRecord(second);
      // Mailchimp dates its changes to the second: the change back comes after the change.
      await sleep(1100);
      mailchimp.updateMember(mailchimp.member(second)!.id, { email: first });
      await settle();
      await deliverEveryRecord(first);
      // The order makes Shopify send the customer again, with the address it now holds.
      await editInShop(customerId, { orders_count: 1 });
      await settle();
      await deliverEveryRecord(first);

      expect(await profileIdsByEmail(first)).toEqual([profile.id]);
      // The address in between may still lead to her profile, but to no other.
      expect((await profileIdsByEmail(second)).filter((id) => id !== profile.id)).toEqual([]);
      expect((await profileById(profile.id)).traits.email).toBe(first);
      expect(recordsWithEmail(first)).toEqual(EVERYWHERE);
      expect(recordsWithEmail(second)).toEqual(NOWHERE);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
