/**
 * Syncline running against all four bundled connectors' emulators at once: HubSpot, Mailchimp,
 * Shopify and Zendesk, each with a connection created over the REST API. For end-to-end tests
 * of how the tools and the profile store move together.
 */
import { HubspotEmulator } from '../emulators/hubspot';
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../emulators/mailchimp';
import { ShopifyEmulator, type ShopifyWebhookTopic } from '../emulators/shopify';
import { ZendeskEmulator } from '../emulators/zendesk';
import { startTestApp, TestApp } from './test-app';
import { createTestEnvironment, TestEnvironment } from './test-environment';

export type Tool = 'shopify' | 'hubspot' | 'mailchimp' | 'zendesk';
type Direction = 'pull' | 'push' | 'both';

export interface FourToolsOptions {
  /** Each connection's direction; default `both`. */
  directions?: Partial<Record<Tool, Direction>>;
  /** Webhook secrets: Shopify's and HubSpot's client secrets, Zendesk's signing secret. */
  secrets: { shopify: string; hubspot: string; zendesk: string };
  /** The token Mailchimp's webhook URL carries. */
  mailchimpToken: string;
  /** Job settings of the app (JOB_ATTEMPTS, JOB_BACKOFF_MS, …). */
  env?: Record<string, string>;
}

export interface FourTools {
  env: TestEnvironment;
  app: TestApp;
  shopify: ShopifyEmulator;
  hubspot: HubspotEmulator;
  mailchimp: MailchimpEmulator;
  zendesk: ZendeskEmulator;
  /** Connection id of each tool. */
  ids: Record<Tool, string>;
  /** Where each connection receives its tool's webhooks (Mailchimp's with its token). */
  webhookUrl(tool: Tool): string;
  /**
   * Registers Mailchimp's webhook with every source ticked, API changes included, so each of
   * our writes comes back as a delivery, as an owner ticking the whole form would. Its id.
   */
  registerMailchimpWebhook(): Promise<string>;
  /** Lets the queues drain and Mailchimp's deliveries (our writes' echoes) come back and settle. */
  settle(): Promise<void>;
  /** Shopify's notice of a customer as the emulator holds it now. */
  shopifyWebhook(topic: ShopifyWebhookTopic, customerId: number): Promise<void>;
  /** HubSpot's notice of a contact (a property change, or its creation); Syncline fetches it. */
  hubspotWebhook(contactId: string, property?: string): Promise<void>;
  /** Zendesk's notice of the user holding `email`, as the emulator holds them now. */
  zendeskWebhook(email: string, type?: 'user.created' | 'user.details_changed'): Promise<void>;
  close(): Promise<void>;
}

export async function startFourTools(options: FourToolsOptions): Promise<FourTools> {
  const env = await createTestEnvironment({ env: options.env ?? {} });
  const app = await startTestApp(env.config);
  const shopify = new ShopifyEmulator();
  const hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  const mailchimp = new MailchimpEmulator();
  const zendesk = new ZendeskEmulator({ rateLimit: false, userUpdateRateLimit: false });
  const emulators = [shopify, hubspot, mailchimp, zendesk];
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const connect = async (connector: Tool, config: object, credentials: object) => {
    const direction = options.directions?.[connector] ?? 'both';
    const response = await app.request('POST', '/v1/connections', {
      body: { connector, name: connector, direction, config, credentials },
    });
    if (response.status !== 201) throw new Error(`${connector}: ${response.text}`);
    return (response.body as { id: string }).id;
  };
  const { secrets } = options;
  const ids: Record<Tool, string> = {
    shopify: await connect(
      'shopify',
      { baseUrl: shopify.apiBaseUrl() },
      { accessToken: 'test-token', clientSecret: secrets.shopify },
    ),
    hubspot: await connect(
      'hubspot',
      { baseUrl: hubspot.baseUrl },
      { accessToken: 'test-token', clientSecret: secrets.hubspot },
    ),
    mailchimp: await connect(
      'mailchimp',
      { listId: DEFAULT_LIST_ID, baseUrl: mailchimp.apiBaseUrl() },
      { apiKey: DEFAULT_API_KEY, webhookToken: options.mailchimpToken },
    ),
    zendesk: await connect(
      'zendesk',
      { baseUrl: zendesk.apiBaseUrl() },
      { email: 'admin@example.com', apiToken: 'test-token', webhookSecret: secrets.zendesk },
    ),
  };
  const webhookUrl = (tool: Tool) => {
    const url = `${app.baseUrl}/webhooks/${ids[tool]}`;
    return tool === 'mailchimp' ? `${url}?token=${options.mailchimpToken}` : url;
  };
  return {
    env,
    app,
    shopify,
    hubspot,
    mailchimp,
    zendesk,
    ids,
    webhookUrl,
    registerMailchimpWebhook: async () => {
      const registered = await mailchimp.webhooks.register(DEFAULT_LIST_ID, {
        url: webhookUrl('mailchimp'),
        sources: { user: true, admin: true, api: true },
      });
      if (!('id' in registered)) throw new Error(`webhook: ${JSON.stringify(registered)}`);
      return registered.id;
    },
    shopifyWebhook: async (topic, customerId) => {
      const customer = shopify.store.get(customerId)!;
      accepted(
        await shopify.sendWebhook(webhookUrl('shopify'), topic, customer, {
          secret: secrets.shopify,
        }),
      );
    },
    hubspotWebhook: async (contactId, property) => {
      const contact = hubspot.store.get(contactId)!;
      const event = property
        ? {
            subscriptionType: 'contact.propertyChange' as const,
            propertyName: property,
            propertyValue: contact.properties[property] ?? '',
          }
        : { subscriptionType: 'contact.creation' as const };
      accepted(
        await hubspot.sendWebhook(
          webhookUrl('hubspot'),
          [{ ...event, objectId: Number(contactId) }],
          { clientSecret: secrets.hubspot },
        ),
      );
    },
    zendeskWebhook: async (email, type = 'user.details_changed') => {
      const user = zendesk.store.findByEmail(email)!;
      accepted(
        await zendesk.sendWebhook(webhookUrl('zendesk'), type, user, { secret: secrets.zendesk }),
      );
    },
    settle: async () => {
      await sleep(1500);
      await mailchimp.flushWebhooks();
      await sleep(1500);
    },
    close: async () => {
      await app.close();
      await Promise.all(emulators.map((emulator) => emulator.stop()));
      await env.teardown();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function accepted(delivery: { status: number; body: string }): void {
  if (delivery.status !== 200) {
    throw new Error(`webhook answered ${delivery.status}: ${delivery.body}`);
  }
}
