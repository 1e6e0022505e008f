/**
 * What the journeys over the four tools (see four-tools.ts) do again and again: read a person's
 * profile and change log over the API, run a full sync, rank a connection, bring a shop
 * customer into every tool, and make the edits a person makes in a tool, each announced by the
 * tool's webhook.
 */
import type { CustomerInput } from '../emulators/shopify/customer-store';
import type { FourTools, Tool } from './four-tools';
import { triggerSync, waitForRun } from './sync-api';
import { waitUntil } from './wait-for';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records a journey starts from are dated an hour back, older than anything it then does. */
export const AN_HOUR_AGO = () => Date.now() - 3_600_000;

/** A shop customer's address with a second line, the part HubSpot cannot hold. */
export const TORONTO_APARTMENT = {
  address1: '12 Harbour St',
  address2: 'Apt 4',
  city: 'Toronto',
  province_code: 'ON',
  zip: 'M5J 2N8',
  country_code: 'CA',
};

/** A profile as `GET /v1/profiles/:id` shows it, as far as the journeys read it. */
export interface JourneyProfile {
  id: string;
  status: string;
  traits: Record<string, unknown>;
  provenance: Record<string, { connectionId: string }>;
  sources: {
    connectionId: string;
    externalId: string;
    deleted: boolean;
    traits: Record<string, unknown>;
    traitTimes: Record<string, string>;
    echoedTraits: string[];
  }[];
}

/** A row of a profile's change log (`GET /v1/profiles/:id/history`). */
export interface ProfileChange {
  kind: string;
  changes: {
    traits?: Record<string, { after: unknown }>;
    outvoted?: { connectionId: string; traits: string[] }[];
  } | null;
}

export function journeyHelpers(tools: FourTools) {
  const { shopify, hubspot, mailchimp, zendesk } = tools;

  async function profileById(id: string): Promise<JourneyProfile> {
    return (await tools.app.request('GET', `/v1/profiles/${id}`)).body as JourneyProfile;
  }

  async function profileByEmail(email: string): Promise<JourneyProfile | undefined> {
    const found = await tools.app.request('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
    const [first] = (found.body as { data: { id: string }[] }).data;
    return first && profileById(first.id);
  }

  /** The profile's change log, oldest first (up to 200 rows). */
  async function changesOf(profileId: string): Promise<ProfileChange[]> {
    const response = await tools.app.request('GET', `/v1/profiles/${profileId}/history?limit=200`);
    return (response.body as { data: ProfileChange[] }).data;
  }

  async function fullSync(connectionId: string): Promise<void> {
    const run = await waitForRun(
      tools.app,
      await triggerSync(tools.app, connectionId, { mode: 'full' }),
    );
    expect(run.status).toBe('succeeded');
  }

  async function setPriority(tool: Tool, priority: number | null): Promise<void> {
    const patched = await tools.app.request('PATCH', `/v1/connections/${tools.ids[tool]}`, {
      body: { priority },
    });
    expect(patched.status).toBe(200);
  }

  /** Runs `journey` with the CRM ranked above every other tool, and unranks it after. */
  async function withCrmRankedFirst(journey: () => Promise<void>): Promise<void> {
    await setPriority('hubspot', 10);
    try {
      await journey();
    } finally {
      // Not 0: that is a priority too, above every connection without one.
      await setPriority('hubspot', null);
    }
  }

  /** The shop's customer edits something and Shopify announces it. */
  async function editInShop(customerId: number, changes: CustomerInput): Promise<void> {
    shopify.updateCustomer(customerId, changes);
    await tools.shopifyWebhook('customers/update', customerId);
  }

  /** A HubSpot user edits the contact and HubSpot announces it (naming the first property). */
  async function editInCrm(contactId: string, properties: Record<string, string>): Promise<void> {
    hubspot.updateContact(contactId, properties);
    await tools.hubspotWebhook(contactId, Object.keys(properties)[0]);
  }

  /**
   * Each tool's notice of the person's record as it is now (Mailchimp's come by themselves, and
   * settle() flushes them). A record that did not change since the last one is the same
   * delivery again and is dropped as such, as a real tool's repeated notice would be.
   */
  async function deliverEveryRecord(email: string): Promise<void> {
    const customer = shopify.store.findByEmail(email);
    if (customer) await tools.shopifyWebhook('customers/update', customer.id);
    const contact = hubspot.store.findByEmail(email);
    if (contact) await tools.hubspotWebhook(contact.id);
    if (zendesk.store.findByEmail(email)) await tools.zendeskWebhook(email);
    await tools.settle();
  }

  /** Every tool holds the person, and each tool's notice of the record our writes made has come. */
  async function everyToolHolds(email: string): Promise<void> {
    await waitUntil(
      () =>
        shopify.store.findByEmail(email) !== undefined &&
        hubspot.store.findByEmail(email) !== undefined &&
        mailchimp.member(email) !== undefined &&
        zendesk.store.findByEmail(email) !== undefined,
    );
    // Mailchimp announces no member an app creates without subscribing them; its next read
    // hands the member over, as this delivery does.
    const member = mailchimp.member(email)!;
    const sent = await mailchimp.sendWebhook(tools.webhookUrl('mailchimp'), 'profile', member);
    expect(sent.status).toBe(200);
    await deliverEveryRecord(email);
  }

  /** A customer created in the shop an hour ago and announced, until every tool holds them. */
  async function shopCustomer(email: string, input: CustomerInput = {}) {
    const [customer] = shopify.seedCustomers([{ email, ...input }], { at: AN_HOUR_AGO() });
    await tools.shopifyWebhook('customers/create', customer.id);
    await everyToolHolds(email);
    const profile = await profileByEmail(email);
    expect(profile).toBeDefined();
    return {
      customerId: customer.id,
      contactId: hubspot.store.findByEmail(email)!.id,
      profile: profile!,
    };
  }

  return {
    settle: () => tools.settle(),
    profileById,
    profileByEmail,
    changesOf,
    fullSync,
    setPriority,
    withCrmRankedFirst,
    editInShop,
    editInCrm,
    deliverEveryRecord,
    everyToolHolds,
    shopCustomer,
  };
}
