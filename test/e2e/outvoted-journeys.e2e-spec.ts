/**
 * Outvoted tools, end to end: HubSpot, Mailchimp, Shopify and Zendesk all pulling and pushing
 * (`both`), driven over real HTTP against the emulators. A record that loses survivorship logs
 * an `outvoted` change and outbound pushes the profile, so the tool that was outvoted gets the
 * winning values (README, Outbound, "Outvoted tools are put right").
 *
 * What an owner relies on: the outvoted tool ends up with the winning values, and nothing
 * loops. Each journey sends every tool's current record again, round after round (as each
 * tool's webhook would after our writes), and counts what that costs: writes each tool
 * receives about the person, change-log rows, dead letters. Once a tool has been put right,
 * another delivery of a record that changed nothing Syncline can act on costs nothing.
 */
import type { CustomerInput } from '../emulators/shopify/customer-store';
import type { ZendeskEmulator } from '../emulators/zendesk';
import { Tool, useFourTools } from '../support/four-tools';
import {
  AN_HOUR_AGO,
  journeyHelpers,
  ProfileChange,
  sleep,
  TORONTO_APARTMENT,
} from '../support/journey-helpers';
import { waitUntil } from '../support/wait-for';

/** Journeys run many rounds of deliveries, each waiting for the queues to settle. */
const JOURNEY_TIMEOUT_MS = 180_000;
const TOOLS: Tool[] = ['hubspot', 'mailchimp', 'shopify', 'zendesk'];

const tools = useFourTools({
  secrets: { shopify: 'shop-secret', hubspot: 'crm-secret', zendesk: 'desk-secret' },
  mailchimpToken: 'outvoted-journeys-webhook-token',
  env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' },
});
const { shopify, hubspot, mailchimp, zendesk, ids } = tools;
const {
  settle,
  profileByEmail,
  changesOf,
  fullSync,
  withCrmRankedFirst,
  editInShop,
  editInCrm,
  deliverEveryRecord,
  shopCustomer,
} = journeyHelpers(tools);

async function outboundDeadLetters(): Promise<number> {
  const response = await tools.app.request('GET', '/v1/dead-letters?queue=outbound&limit=200');
  return (response.body as { data: unknown[] }).data.length;
}

/** A shop customer a rep then renames in HubSpot: every tool has the new name and said so. */
async function renamedInCrm(email: string, shop: CustomerInput, firstName: string) {
  const person = await shopCustomer(email, shop);
  await editInCrm(person.contactId, { firstname: firstName });
  await waitUntil(() => shopify.store.get(person.customerId)?.first_name === firstName);
  await settle();
  await deliverEveryRecord(email);
  return person;
}

/** The shop customer places an order: Shopify moves `updated_at` and announces the customer. */
async function orderInShop(customerId: number): Promise<void> {
  const customer = shopify.store.get(customerId)!;
  shopify.updateCustomer(customerId, { orders_count: (customer.orders_count ?? 0) + 1 });
  await tools.shopifyWebhook('customers/update', customerId);
}

/** A helpdesk agent edits the user and Zendesk announces it. */
async function editInHelpdesk(
  email: string,
  changes: Parameters<ZendeskEmulator['updateUser']>[1],
): Promise<void> {
  zendesk.updateUser(zendesk.store.findByEmail(email)!.id, changes);
  await tools.zendeskWebhook(email);
}

type Writes = Record<Tool, number>;

/** Writes (not reads) about one person each tool has received so far. */
function writesAbout(email: string): Writes {
  const marks = [email];
  const customer = shopify.store.findByEmail(email);
  if (customer) marks.push(`/customers/${customer.id}`);
  const contact = hubspot.store.findByEmail(email);
  if (contact) marks.push(`"id":"${contact.id}"`);
  const member = mailchimp.member(email);
  if (member) marks.push(member.id);
  const user = zendesk.store.findByEmail(email);
  if (user) marks.push(`/users/${user.id}`);
  const isWrite = (request: { method: string; path: string }) =>
    ['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) &&
    !request.path.endsWith('/search') &&
    !request.path.endsWith('/batch/read') &&
    !request.path.includes('show_many');
  const about = (request: { method: string; path: string; body?: unknown }) =>
    isWrite(request) &&
    marks.some((mark) => `${request.path} ${JSON.stringify(request.body ?? '')}`.includes(mark));
  return {
    hubspot: hubspot.requests().filter(about).length,
    mailchimp: mailchimp.requests().filter(about).length,
    shopify: shopify.requests().filter(about).length,
    zendesk: zendesk.requests().filter(about).length,
  };
}

/** What a round of deliveries cost. */
interface Cost {
  writes: Writes;
  changeRows: number;
  outvotedRows: number;
  deadLetters: number;
}

interface Counts {
  writes: Writes;
  changes: ProfileChange[];
  deadLetters: number;
}

async function counts(email: string, profileId: string): Promise<Counts> {
  return {
    writes: writesAbout(email),
    changes: await changesOf(profileId),
    deadLetters: await outboundDeadLetters(),
  };
}

function costBetween(before: Counts, after: Counts): Cost {
  const writes = {} as Writes;
  for (const tool of TOOLS) writes[tool] = after.writes[tool] - before.writes[tool];
  const outvoted = (list: ProfileChange[]) =>
    list.filter((change) => change.kind === 'outvoted').length;
  return {
    writes,
    changeRows: after.changes.length - before.changes.length,
    outvotedRows: outvoted(after.changes) - outvoted(before.changes),
    deadLetters: after.deadLetters - before.deadLetters,
  };
}

const FREE: Cost = {
  writes: { hubspot: 0, mailchimp: 0, shopify: 0, zendesk: 0 },
  changeRows: 0,
  outvotedRows: 0,
  deadLetters: 0,
};

/** Runs `action` once per round, each followed by every tool's notice; the cost of each round. */
async function rounds(
  email: string,
  profileId: string,
  count: number,
  action: (round: number) => Promise<void>,
): Promise<Cost[]> {
  const costs: Cost[] = [];
  for (let round = 1; round <= count; round += 1) {
    const before = await counts(email, profileId);
    await action(round);
    await settle();
    await deliverEveryRecord(email);
    costs.push(costBetween(before, await counts(email, profileId)));
  }
  return costs;
}

/** Rounds in which nothing happens but each tool sending the person's record again. */
const echoRounds = (email: string, profileId: string, count = 3) =>
  rounds(email, profileId, count, async () => {});

/** A name part as shown: null when the tool holds none (absent, null or blank). */
const shown = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/** The person's first and last name in the profile and in each tool; Zendesk's one name. */
async function namesOf(email: string) {
  const profile = await profileByEmail(email);
  const customer = shopify.store.findByEmail(email);
  const contact = hubspot.store.findByEmail(email);
  const member = mailchimp.member(email);
  return {
    profile: [shown(profile?.traits.firstName), shown(profile?.traits.lastName)],
    shopify: [shown(customer?.first_name), shown(customer?.last_name)],
    hubspot: [shown(contact?.properties.firstname), shown(contact?.properties.lastname)],
    mailchimp: [shown(member?.mergeFields.FNAME), shown(member?.mergeFields.LNAME)],
    zendesk: shown(zendesk.store.findByEmail(email)?.name),
  };
}

describe("Zendesk's one name field", () => {
  it(
    'a three-word name composed for Zendesk changes nothing when the helpdesk sends the user again and again',
    async () => {
      const email = 'mary.ann@northwind.dev';
      const { profile } = await shopCustomer(email, { first_name: 'Mary Ann', last_name: 'Smith' });
      expect(zendesk.store.findByEmail(email)?.name).toBe('Mary Ann Smith');

      // Agents work the person's tickets: Zendesk moves the user's `updated_at` each time.
      const costs = await rounds(email, profile.id, 3, (round) =>
        editInHelpdesk(email, { notes: `ticket ${round}` }),
      );

      expect(costs).toEqual([FREE, FREE, FREE]);
      expect(await namesOf(email)).toEqual({
        profile: ['Mary Ann', 'Smith'],
        shopify: ['Mary Ann', 'Smith'],
        hubspot: ['Mary Ann', 'Smith'],
        mailchimp: ['Mary Ann', 'Smith'],
        zendesk: 'Mary Ann Smith',
      });
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('addresses HubSpot holds only part of (no second line)', () => {
  const address = TORONTO_APARTMENT;

  it(
    "a CRM that outranks the shop writes the province's name: the shop is put right once, not at every order",
    () =>
      withCrmRankedFirst(async () => {
        const email = 'ona.province@northwind.dev';
        const { customerId, contactId, profile } = await shopCustomer(email, {
          first_name: 'Ona',
          default_address: { ...address, address2: null },
        });
        await editInCrm(contactId, { state: 'Ontario' });
        await settle();
        await deliverEveryRecord(email);

        const costs = await rounds(email, profile.id, 3, () => orderInShop(customerId));

        expect(costs).toEqual([FREE, FREE, FREE]);
      }),
    JOURNEY_TIMEOUT_MS,
  );
  it(
    'a CRM that outranks the shop corrects the city: the apartment number stays in the profile and the shop',
    () =>
      withCrmRankedFirst(async () => {
        const email = 'apt.four@northwind.dev';
        const { customerId, contactId } = await shopCustomer(email, {
          first_name: 'Ada',
          default_address: { ...address, city: 'Torono' },
        });
        await editInCrm(contactId, { city: 'Toronto' });
        await settle();
        await deliverEveryRecord(email);

        const profile = (await profileByEmail(email))!;
        expect(profile.traits.address).toMatchObject({
          line1: '12 Harbour St',
          line2: 'Apt 4',
          city: 'Toronto',
        });
        expect(profile.provenance.address.connectionId).toBe(ids.hubspot);
        expect(shopify.store.get(customerId)?.default_address).toMatchObject({
          address2: 'Apt 4',
          city: 'Toronto',
        });
      }),
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a move to an address without a postcode clears the old postcode in HubSpot, and it does not come back',
    async () => {
      const email = 'moved.to.dublin@northwind.dev';
      const { customerId, contactId, profile } = await shopCustomer(email, {
        first_name: 'Cian',
        default_address: address,
      });
      expect(hubspot.store.get(contactId)?.properties.zip).toBe('M5J 2N8');

      await editInShop(customerId, {
        default_address: {
          address1: '1 Quay Rd',
          address2: null,
          city: 'Dublin',
          province_code: null,
          zip: null,
          country_code: 'IE',
        },
      });
      await settle();
      await deliverEveryRecord(email);
      const costs = await echoRounds(email, profile.id, 2);

      const moved = (await profileByEmail(email))!.traits.address as Record<string, unknown>;
      expect(moved).toMatchObject({ line1: '1 Quay Rd', city: 'Dublin', country: 'IE' });
      expect(shown(moved.postalCode)).toBeNull();
      expect(shown(hubspot.store.get(contactId)?.properties.zip)).toBeNull();
      expect(shopify.store.get(customerId)?.default_address).toMatchObject({ zip: null });
      expect(costs).toEqual([FREE, FREE]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('phones', () => {
  it(
    "a phone the shop refuses (another customer's) is left out once, not again at every order",
    () =>
      withCrmRankedFirst(async () => {
        // Bob shops with the household's landline; so, in the CRM, will Alice.
        await shopCustomer('bob.household@northwind.dev', {
          first_name: 'Bob',
          phone: '+14155550151',
        });
        const email = 'alice.household@northwind.dev';
        const { customerId, contactId, profile } = await shopCustomer(email, {
          first_name: 'Alice',
          phone: '+14155550152',
        });
        const lettersBefore = await outboundDeadLetters();
        await editInCrm(contactId, { phone: '+14155550151' });
        await settle();
        await deliverEveryRecord(email);
        // Shopify keeps phones unique: it refuses Bob's number for Alice. The rest is written,
        // nothing goes to the dead letters, and her push status says why the phone is missing.
        expect(shopify.store.get(customerId)?.phone).toBe('+14155550152');
        expect((await outboundDeadLetters()) - lettersBefore).toBe(0);
        const detail = await tools.app.request('GET', `/v1/profiles/${profile.id}`);
        expect(JSON.stringify(detail.body)).toContain('phone not written');

        const costs = await rounds(email, profile.id, 3, () => orderInShop(customerId));

        expect(costs).toEqual([FREE, FREE, FREE]);
      }),
    JOURNEY_TIMEOUT_MS,
  );
});

describe('renames at the till', () => {
  it(
    'each rename the CRM outranks costs one write to the shop, and its echo nothing',
    () =>
      withCrmRankedFirst(async () => {
        const email = 'rex.till@northwind.dev';
        const { customerId, profile } = await renamedInCrm(
          email,
          { first_name: 'Rex', last_name: 'Till' },
          'Rexford',
        );

        const renames = ['Rexie', 'Rexy', 'Rx'];
        const costs = await rounds(email, profile.id, renames.length, (round) =>
          editInShop(customerId, { first_name: renames[round - 1] }),
        );
        const putRight: Cost = {
          ...FREE,
          writes: { ...FREE.writes, shopify: 1 },
          changeRows: 1,
          outvotedRows: 1,
        };
        expect(costs).toEqual([putRight, putRight, putRight]);
        expect(await echoRounds(email, profile.id)).toEqual([FREE, FREE, FREE]);
        expect((await namesOf(email)).shopify).toEqual(['Rexford', 'Till']);
        expect((await profileByEmail(email))?.traits.firstName).toBe('Rexford');
      }),
    JOURNEY_TIMEOUT_MS,
  );
});

describe('consent the shop sends but is not mapped to receive', () => {
  it(
    "the shop's older consent, outvoted by an unsubscribe in Mailchimp, costs nothing at each order",
    async () => {
      const email = 'una.consent@northwind.dev';
      const { customerId, profile } = await shopCustomer(email, {
        first_name: 'Una',
        email_marketing_consent: {
          state: 'subscribed',
          consent_updated_at: new Date(AN_HOUR_AGO()).toISOString(),
        },
      });
      expect(mailchimp.member(email)?.status).toBe('subscribed');
      // Una unsubscribes through a Mailchimp email's link.
      mailchimp.updateMember(mailchimp.member(email)!.id, { status: 'unsubscribed' });
      await settle();
      expect((await profileByEmail(email))?.traits.emailConsent).toBe('unsubscribed');

      const costs = await rounds(email, profile.id, 3, () => orderInShop(customerId));

      expect({
        costs,
        profile: (await profileByEmail(email))?.traits.emailConsent,
        mailchimp: mailchimp.member(email)?.status,
      }).toEqual({
        costs: [FREE, FREE, FREE],
        profile: 'unsubscribed',
        mailchimp: 'unsubscribed',
      });
    },
    JOURNEY_TIMEOUT_MS,
  );
});

describe('tags', () => {
  it(
    "a tag a marketer adds in Mailchimp, read by the next sync after the customer's order, stays in Mailchimp",
    async () => {
      const email = 'tia.tags@northwind.dev';
      const { customerId } = await shopCustomer(email, { first_name: 'Tia', tags: 'vip' });
      expect(mailchimp.member(email)?.tags.map((tag) => tag.name)).toEqual(['vip']);
      await sleep(1100);

      // The marketer tags Tia for the newsletter (Mailchimp's notices carry no tags) …
      const member = mailchimp.member(email)!;
      mailchimp.updateMember(member.id, { tags: ['vip', 'newsletter'] });
      await settle();
      await sleep(1100);
      // … Tia then orders, and Mailchimp's scheduled sync reads the member afterwards.
      await orderInShop(customerId);
      await settle();
      await fullSync(ids.mailchimp);
      await settle();

      expect(
        mailchimp
          .member(email)
          ?.tags.map((tag) => tag.name)
          .sort(),
      ).toEqual(['newsletter', 'vip']);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
