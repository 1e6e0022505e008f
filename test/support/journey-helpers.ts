/**
 * What the journeys over the four tools (see four-tools.ts) do again and again: read a person's
 * profile and change log over the API, run a full sync, rank a connection, and make the edits
 * a person makes in a tool, each announced by the tool's webhook.
 */
import type { CustomerInput } from '../emulators/shopify/customer-store';
import type { FourTools, Tool } from './four-tools';
import { triggerSync, waitForRun } from './sync-api';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const { shopify, hubspot, zendesk } = tools;

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
  };
}
