/**
 * The demo's outbound half: Mailchimp and Zendesk emulators as destinations, and a timed
 * trace of one change made in Shopify arriving in HubSpot, Mailchimp and Zendesk.
 */
import { HubspotEmulator } from '../test/emulators/hubspot';
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../test/emulators/mailchimp';
import { ShopifyEmulator } from '../test/emulators/shopify';
import { ZendeskEmulator } from '../test/emulators/zendesk';

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface Destinations {
  mailchimp: MailchimpEmulator;
  zendesk: ZendeskEmulator;
  stop(): Promise<void>;
}

/** Starts both emulators and connects them as push destinations through the REST API. */
export async function connectDestinations(api: Api): Promise<Destinations> {
  const mailchimp = new MailchimpEmulator();
  const zendesk = new ZendeskEmulator({ apiTokens: ['demo-zendesk-api-token'] });
  await Promise.all([mailchimp.start(), zendesk.start()]);
  await api('POST', '/v1/connections', {
    connector: 'mailchimp',
    name: 'Mailchimp (emulator)',
    config: { listId: DEFAULT_LIST_ID, baseUrl: mailchimp.apiBaseUrl() },
    credentials: { apiKey: DEFAULT_API_KEY, webhookToken: 'demo-mailchimp-webhook-token' },
    direction: 'push',
  });
  await api('POST', '/v1/connections', {
    connector: 'zendesk',
    name: 'Zendesk (emulator)',
    config: { baseUrl: zendesk.apiBaseUrl() },
    credentials: {
      email: 'admin@example.com',
      apiToken: 'demo-zendesk-api-token',
      webhookSecret: 'demo-zendesk-webhook-secret',
    },
    direction: 'push',
  });
  return { mailchimp, zendesk, stop: () => Promise.all([mailchimp.stop(), zendesk.stop()]).then() };
}

export interface PhoneTrace {
  phone: string;
  arrivals: { where: string; ms: number }[];
}

/**
 * Gives a Shopify customer a new phone, delivers Shopify's signed `customers/update` webhook,
 * and times its arrival in each other tool (polled on the emulators' side every 5 ms).
 */
export async function tracePhoneChange(options: {
  shopify: ShopifyEmulator;
  shopifySecret: string;
  webhookUrl: string;
  customerId: number;
  email: string;
  hubspot: HubspotEmulator;
  destinations: Destinations;
  timeoutMs: number;
  /** What Syncline holds for the person now: named in the error when the phone is late. */
  describeProfile: () => Promise<string>;
}): Promise<PhoneTrace> {
  const phone = '+31205550199';
  const email = options.email.toLowerCase();
  const probes: Record<string, () => string | null | undefined> = {
    'HubSpot contact `phone`': () =>
      options.hubspot.store.all().find((c) => c.properties.email?.toLowerCase() === email)
        ?.properties.phone,
    'Mailchimp merge field `PHONE`': () =>
      options.destinations.mailchimp.member(email)?.mergeFields?.PHONE as string | undefined,
    'Zendesk user `phone`': () => options.destinations.zendesk.store.findByEmail(email)?.phone,
  };
  // Made within the second of the customer's previous version (Shopify's `updated_at` has
  // whole seconds): the delivery's trigger time tells the store this version is the later one.
  const updated = options.shopify.updateCustomer(options.customerId, { phone });
  const started = performance.now();
  const delivery = await options.shopify.sendWebhook(
    options.webhookUrl,
    'customers/update',
    updated,
    {
      secret: options.shopifySecret,
    },
  );
  if (delivery.status !== 200) throw new Error(`Shopify webhook answered ${delivery.status}`);
  const arrivals: PhoneTrace['arrivals'] = [];
  const pending = new Set(Object.keys(probes));
  while (pending.size > 0) {
    for (const where of [...pending]) {
      if (probes[where]() === phone) {
        arrivals.push({ where, ms: Math.round(performance.now() - started) });
        pending.delete(where);
      }
    }
    if (performance.now() - started > options.timeoutMs) {
      const seen = [...pending].map((where) => `${where} is ${String(probes[where]())}`);
      throw new Error(
        `the new phone did not arrive in time: ${seen.join(', ')}; Syncline holds ${await options.describeProfile()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { phone, arrivals };
}

export function formatTrace(name: string, trace: PhoneTrace): string[] {
  return [
    `A new phone for ${name} in Shopify (${trace.phone}), delivered as a signed webhook:`,
    ...trace.arrivals.map(
      ({ where, ms }) =>
        `  Shopify → /webhooks → profile store → change log → outbound → ${where.padEnd(30)} ${ms} ms`,
    ),
  ];
}
