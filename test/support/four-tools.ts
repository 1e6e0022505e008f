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

/**
 * The four emulators exist from construction (a test file can name them at load time); the
 * app, its database and the connections exist once `start()` has run.
 */
export class FourTools {
  readonly shopify = new ShopifyEmulator();
  readonly hubspot = new HubspotEmulator({ rateLimit: false, searchRateLimit: false });
  readonly mailchimp = new MailchimpEmulator();
  readonly zendesk = new ZendeskEmulator({ rateLimit: false, userUpdateRateLimit: false });
  /** Connection id of each tool, filled in by `start()`. */
  readonly ids: Record<Tool, string> = { shopify: '', hubspot: '', mailchimp: '', zendesk: '' };
  /** The Mailchimp webhook registered last, if any. */
  mailchimpWebhookId = '';
  private environment?: TestEnvironment;
  private testApp?: TestApp;

  constructor(private readonly options: FourToolsOptions) {}

  get env(): TestEnvironment {
    if (!this.environment) throw new Error('FourTools: not started');
    return this.environment;
  }

  get app(): TestApp {
    if (!this.testApp) throw new Error('FourTools: not started');
    return this.testApp;
  }

  private get emulators() {
    return [this.shopify, this.hubspot, this.mailchimp, this.zendesk];
  }

  async start(): Promise<void> {
    this.environment = await createTestEnvironment({ env: this.options.env ?? {} });
    this.testApp = await startTestApp(this.environment.config);
    await Promise.all(this.emulators.map((emulator) => emulator.start()));
    const { secrets } = this.options;
    Object.assign(this.ids, {
      shopify: await this.connect(
        'shopify',
        { baseUrl: this.shopify.apiBaseUrl() },
        { accessToken: 'test-token', clientSecret: secrets.shopify },
      ),
      hubspot: await this.connect(
        'hubspot',
        { baseUrl: this.hubspot.baseUrl },
        { accessToken: 'test-token', clientSecret: secrets.hubspot },
      ),
      mailchimp: await this.connect(
        'mailchimp',
        { listId: DEFAULT_LIST_ID, baseUrl: this.mailchimp.apiBaseUrl() },
        { apiKey: DEFAULT_API_KEY, webhookToken: this.options.mailchimpToken },
      ),
      zendesk: await this.connect(
        'zendesk',
        { baseUrl: this.zendesk.apiBaseUrl() },
        { email: 'admin@example.com', apiToken: 'test-token', webhookSecret: secrets.zendesk },
      ),
    });
  }

  /** Where each connection receives its tool's webhooks (Mailchimp's with its token). */
  webhookUrl(tool: Tool): string {
    const url = `${this.app.baseUrl}/webhooks/${this.ids[tool]}`;
    return tool === 'mailchimp' ? `${url}?token=${this.options.mailchimpToken}` : url;
  }

  /**
   * Registers Mailchimp's webhook with every source ticked, API changes included, so each of
   * our writes comes back as a delivery, as an owner ticking the whole form would. Its id.
   */
  async registerMailchimpWebhook(): Promise<string> {
    const registered = await this.mailchimp.webhooks.register(DEFAULT_LIST_ID, {
      url: this.webhookUrl('mailchimp'),
      sources: { user: true, admin: true, api: true },
    });
    if (!('id' in registered)) throw new Error(`webhook: ${JSON.stringify(registered)}`);
    this.mailchimpWebhookId = registered.id;
    return registered.id;
  }

  /** Lets the queues drain and Mailchimp's deliveries (our writes' echoes) come back and settle. */
  async settle(): Promise<void> {
    await sleep(1500);
    await this.mailchimp.flushWebhooks();
    await sleep(1500);
  }

  /** Shopify's notice of a customer as the emulator holds it now. */
  async shopifyWebhook(topic: ShopifyWebhookTopic, customerId: number): Promise<void> {
    const customer = this.shopify.store.get(customerId)!;
    accepted(
      await this.shopify.sendWebhook(this.webhookUrl('shopify'), topic, customer, {
        secret: this.options.secrets.shopify,
      }),
    );
  }

  /** HubSpot's notice of a contact (a property change, or its creation); Syncline fetches it. */
  async hubspotWebhook(contactId: string, property?: string): Promise<void> {
    const contact = this.hubspot.store.get(contactId)!;
    const event = property
      ? {
          subscriptionType: 'contact.propertyChange' as const,
          propertyName: property,
          propertyValue: contact.properties[property] ?? '',
        }
      : { subscriptionType: 'contact.creation' as const };
    accepted(
      await this.hubspot.sendWebhook(
        this.webhookUrl('hubspot'),
        [{ ...event, objectId: Number(contactId) }],
        { clientSecret: this.options.secrets.hubspot },
      ),
    );
  }

  /** Zendesk's notice of the user holding `email`, as the emulator holds them now. */
  async zendeskWebhook(
    email: string,
    type: 'user.created' | 'user.details_changed' = 'user.details_changed',
  ): Promise<void> {
    const user = this.zendesk.store.findByEmail(email)!;
    accepted(
      await this.zendesk.sendWebhook(this.webhookUrl('zendesk'), type, user, {
        secret: this.options.secrets.zendesk,
      }),
    );
  }

  /** Stops whatever `start()` got to, so a failed start leaves nothing behind either. */
  async close(): Promise<void> {
    await this.testApp?.close();
    await Promise.all(this.emulators.map((emulator) => emulator.stop()));
    await this.environment?.teardown();
  }

  private async connect(connector: Tool, config: object, credentials: object): Promise<string> {
    const direction = this.options.directions?.[connector] ?? 'both';
    const response = await this.app.request('POST', '/v1/connections', {
      body: { connector, name: connector, direction, config, credentials },
    });
    if (response.status !== 201) throw new Error(`${connector}: ${response.text}`);
    return (response.body as { id: string }).id;
  }
}

export async function startFourTools(options: FourToolsOptions): Promise<FourTools> {
  const tools = new FourTools(options);
  await tools.start();
  return tools;
}

/**
 * For a test file: the four tools started before its first test, with Mailchimp's webhook
 * registered (see `registerMailchimpWebhook`), and closed after its last. The emulators and
 * `ids` can be taken at once; `app` and `env` only inside hooks and tests.
 */
export function useFourTools(options: FourToolsOptions): FourTools {
  const tools = new FourTools(options);
  beforeAll(async () => {
    await tools.start();
    await tools.registerMailchimpWebhook();
  });
  afterAll(() => tools.close());
  return tools;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function accepted(delivery: { status: number; body: string }): void {
  if (delivery.status !== 200) {
    throw new Error(`webhook answered ${delivery.status}: ${delivery.body}`);
  }
}
