/**
 * `npm run demo`: Syncline end to end with a HubSpot and a Shopify emulator on loopback.
 *
 * Seeds both emulators with overlapping fake customers (the same people with different email
 * case, different emails or differently written phones), starts Syncline (API and worker in
 * one process) against a fresh `syncline_demo` database, and then does what an admin and the
 * two tools would: creates both connections through the REST API, checks their credentials,
 * runs a full sync of each, fires a few live signed webhooks (a HubSpot property change, a
 * Shopify update and a Shopify create), and prints the unified profiles with the source each
 * trait came from. `--exit` stops after printing (used by the test suite); otherwise it runs
 * until Ctrl-C.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApiApp } from '../src/app/create-api-app';
import { preflight } from '../src/bootstrap/preflight';
import { StartupError } from '../src/bootstrap/startup-error';
import { ConfigError, loadConfig } from '../src/config/load-config';
import { quoteIdentifier } from '../src/database/ensure-database';
import { parsePostgresUrl } from '../src/database/postgres-url';
import { HubspotEmulator } from '../test/emulators/hubspot';
import { ShopifyEmulator } from '../test/emulators/shopify';
import { daysAgo, DEMO_PEOPLE, LIVE_SHOPIFY_CUSTOMER, type DemoPerson } from './demo-people';
import { connectDestinations, formatTrace, tracePhoneChange } from './demo-outbound';
import { formatProfile, type ProfileDetail, type SourceNames } from './demo-print';

const DEMO_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/syncline_demo';
const DEMO_HUBSPOT_TOKEN = 'demo-hubspot-private-app-token';
const DEMO_HUBSPOT_SECRET = 'demo-hubspot-app-client-secret';
const DEMO_SHOPIFY_TOKEN = 'shpat_demo-shopify-admin-token';
const DEMO_SHOPIFY_SECRET = 'demo-shopify-app-client-secret';
/** Syncs and webhooks of a handful of records finish in well under a second; this is slack. */
const WAIT_MS = 30_000;

type Json = Record<string, unknown>;

interface SyncRun {
  id: string;
  status: string;
  progress: { recordsRead: number; ingested: number; unchanged: number; failed: number };
  error: string | null;
  durationMs: number | null;
}

async function main(): Promise<void> {
  const exitAfterSetup = process.argv.includes('--exit');
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DEMO_DATABASE_URL ?? DEMO_DATABASE_URL,
    SECRETS_KEY: process.env.SECRETS_KEY ?? randomBytes(32).toString('base64'),
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? `demo_${randomBytes(18).toString('base64url')}`,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'syncline_demo',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HOST: process.env.HOST ?? '127.0.0.1',
  };
  const config = loadConfig(env);
  // A fresh database each run: the demo's secrets key is new each run too.
  await recreateDatabase(config.databaseUrl);

  const hubspot = new HubspotEmulator({ accessTokens: [DEMO_HUBSPOT_TOKEN] });
  const shopify = new ShopifyEmulator({ accessTokens: [DEMO_SHOPIFY_TOKEN] });
  await Promise.all([hubspot.start(), shopify.start()]);
  const seeded = seed(hubspot, shopify);

  await preflight(config);
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://${config.host}:${address.port}`;
  let stopDestinations = async () => undefined as void;
  const stop = async () => {
    await app.close();
    await Promise.all([hubspot.stop(), shopify.stop(), stopDestinations()]);
  };

  const api = async <T = Json>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };

  // What an admin does: one connection per tool, through the REST API. No `schedule`: with one,
  // the first (incremental) sync would start at once and the full syncs below would get 409.
  const hubspotConnection = await api<{ id: string; webhookUrl: string }>(
    'POST',
    '/v1/connections',
    {
      connector: 'hubspot',
      name: 'HubSpot (emulator)',
      config: { baseUrl: hubspot.baseUrl },
      credentials: { accessToken: DEMO_HUBSPOT_TOKEN, clientSecret: DEMO_HUBSPOT_SECRET },
      // Both ways: HubSpot feeds the profiles and receives what the other tools know.
      direction: 'both',
    },
  );
  const shopifyConnection = await api<{ id: string; webhookUrl: string }>(
    'POST',
    '/v1/connections',
    {
      connector: 'shopify',
      name: 'Shopify (emulator)',
      config: { baseUrl: shopify.apiBaseUrl() },
      credentials: { accessToken: DEMO_SHOPIFY_TOKEN, clientSecret: DEMO_SHOPIFY_SECRET },
      direction: 'pull',
    },
  );
  const [hubspotCheck, shopifyCheck] = await Promise.all([
    api<{ ok: boolean; message: string }>('POST', `/v1/connections/${hubspotConnection.id}/check`),
    api<{ ok: boolean; message: string }>('POST', `/v1/connections/${shopifyConnection.id}/check`),
  ]);
  const destinations = await connectDestinations(api);
  stopDestinations = destinations.stop;
  const names: SourceNames = {
    [hubspotConnection.id]: 'HubSpot contact',
    [shopifyConnection.id]: 'Shopify customer',
  };

  // A full sync of each tool, triggered and watched over the API.
  const waitForSync = async (connectionId: string): Promise<SyncRun> => {
    const { id } = await api<{ id: string }>('POST', `/v1/connections/${connectionId}/syncs`, {
      mode: 'full',
    });
    const run = await waitUntil(`sync ${id}`, async () => {
      const current = await api<SyncRun>('GET', `/v1/syncs/${id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
    });
    if (run.status !== 'succeeded') {
      throw new Error(`sync ${id} ${run.status}: ${run.error ?? 'no error recorded'}`);
    }
    return run;
  };
  const [hubspotSync, shopifySync] = await Promise.all([
    waitForSync(hubspotConnection.id),
    waitForSync(shopifyConnection.id),
  ]);

  const profileByEmail = async (email: string): Promise<ProfileDetail | undefined> => {
    const found = await api<{ data: { id: string }[] }>(
      'GET',
      `/v1/profiles?email=${encodeURIComponent(email)}`,
    );
    return found.data[0]
      ? await api<ProfileDetail>('GET', `/v1/profiles/${found.data[0].id}`)
      : undefined;
  };
  const afterSyncs = await Promise.all(DEMO_PEOPLE.map((person) => profileByEmail(person.lookUp)));
  const profileCount = new Set(afterSyncs.map((profile) => profile?.id)).size;

  // Live changes in the tools, delivered as signed webhooks to each connection's webhook URL.
  const hubspotHook = new URL(hubspotConnection.webhookUrl, baseUrl).toString();
  const shopifyHook = new URL(shopifyConnection.webhookUrl, baseUrl).toString();
  const ada = seeded.get('Ada Lovelace')!;
  const grace = seeded.get('Grace Hopper')!;
  hubspot.updateContact(ada.hubspotId!, { jobtitle: 'Countess of Lovelace' });
  const hubspotDelivery = await hubspot.sendWebhook(
    hubspotHook,
    [
      {
        subscriptionType: 'contact.propertyChange',
        objectId: Number(ada.hubspotId),
        propertyName: 'jobtitle',
        propertyValue: 'Countess of Lovelace',
      },
    ],
    { clientSecret: DEMO_HUBSPOT_SECRET },
  );
  const updatedGrace = shopify.updateCustomer(grace.shopifyId!, { tags: 'newsletter, vip' });
  const shopifyUpdate = await shopify.sendWebhook(shopifyHook, 'customers/update', updatedGrace, {
    secret: DEMO_SHOPIFY_SECRET,
  });
  const edsger = shopify.createCustomer(LIVE_SHOPIFY_CUSTOMER);
  const shopifyCreate = await shopify.sendWebhook(shopifyHook, 'customers/create', edsger, {
    secret: DEMO_SHOPIFY_SECRET,
  });
  for (const [what, delivery] of [
    ['HubSpot contact.propertyChange', hubspotDelivery],
    ['Shopify customers/update', shopifyUpdate],
    ['Shopify customers/create', shopifyCreate],
  ] as const) {
    if (delivery.status !== 200) {
      throw new Error(`${what} webhook answered ${delivery.status}: ${delivery.body}`);
    }
  }
  // Webhooks are acknowledged once queued; the worker applies them a moment later.
  await waitUntil('the webhooks to reach the profiles', async () => {
    const [a, g, e] = await Promise.all([
      profileByEmail('ada.lovelace@engines.example'),
      profileByEmail('grace@navy.example'),
      profileByEmail('edsger@structured.example'),
    ]);
    const applied =
      a?.traits.jobTitle === 'Countess of Lovelace' &&
      ((g?.traits.tags as string[] | undefined) ?? []).includes('vip') &&
      e?.sources.length === 2;
    return applied || undefined;
  });

  const shown = DEMO_PEOPLE.filter((person) => person.hubspot && person.shopify);
  shown.push(DEMO_PEOPLE.find((person) => person.name === 'Edsger Dijkstra')!);
  const profiles: string[] = [];
  for (const person of shown) {
    const profile = await profileByEmail(person.lookUp);
    if (!profile) throw new Error(`no profile found for ${person.lookUp}`);
    profiles.push(...formatProfile(`${person.name}: ${person.story}`, profile, names, baseUrl), '');
  }

  const trace = await tracePhoneChange({
    shopify,
    shopifySecret: DEMO_SHOPIFY_SECRET,
    webhookUrl: shopifyHook,
    customerId: edsger.id,
    email: edsger.email!,
    hubspot,
    destinations,
    timeoutMs: WAIT_MS,
    describeProfile: async () => {
      const profile = await profileByEmail('edsger@structured.example');
      return JSON.stringify({
        phone: profile?.traits.phone,
        pushes: (profile as { pushes?: unknown } | undefined)?.pushes,
      });
    },
  });

  const hubspotCount = DEMO_PEOPLE.filter((person) => person.hubspot).length;
  const shopifyCount = DEMO_PEOPLE.filter((person) => person.shopify).length;
  const syncLine = (run: SyncRun) =>
    `${run.status}: ${run.progress.recordsRead} read, ${run.progress.ingested} ingested, ${run.progress.failed} failed in ${run.durationMs ?? '?'} ms`;
  const lines = [
    '',
    'Syncline demo is running.',
    '',
    `  API docs (OpenAPI UI)  ${baseUrl}/docs`,
    `  OpenAPI document       ${baseUrl}/docs-json`,
    `  Queue dashboard        ${baseUrl}/admin/queues   (user: admin, password: the token below)`,
    `  Readiness              ${baseUrl}/health/ready`,
    `  Metrics                ${baseUrl}/metrics`,
    '',
    `  Admin token            ${config.adminToken}`,
    `  HubSpot emulator       ${hubspot.baseUrl}  (${hubspotCount} contacts)`,
    `  Shopify emulator       ${shopify.apiBaseUrl()}  (${shopifyCount} customers, then 1 more live)`,
    `  HubSpot connection     ${baseUrl}/v1/connections/${hubspotConnection.id}`,
    `  Shopify connection     ${baseUrl}/v1/connections/${shopifyConnection.id}`,
    `  Credential checks      HubSpot ${checkLine(hubspotCheck)}; Shopify ${checkLine(shopifyCheck)}`,
    `  HubSpot full sync      ${syncLine(hubspotSync)}`,
    `  Shopify full sync      ${syncLine(shopifySync)}`,
    `  After both syncs       ${hubspotCount + shopifyCount} records → ${profileCount} profiles (${DEMO_PEOPLE.length} people)`,
    `  Live webhooks          HubSpot contact.propertyChange (Ada's job title) ${hubspotDelivery.status}, ` +
      `Shopify customers/update (Grace's tags) ${shopifyUpdate.status}, customers/create (Edsger) ${shopifyCreate.status}`,
    '',
    'Unified profiles (each trait ← the source record it came from):',
    '',
    ...profiles,
    ...formatTrace('Edsger Dijkstra', trace),
    `  Mailchimp emulator     ${destinations.mailchimp.apiBaseUrl()}   Zendesk emulator ${destinations.zendesk.apiBaseUrl()}`,
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${config.adminToken}" "${baseUrl}/v1/profiles?phone=(415)%20555-0132"`,
    `  curl -s -H "Authorization: Bearer ${config.adminToken}" ${baseUrl}/v1/connections/${hubspotConnection.id}/syncs`,
    `  curl -s -H "Authorization: Bearer ${config.adminToken}" ${baseUrl}/v1/connectors`,
    '',
    exitAfterSetup ? 'Stopping (--exit).' : 'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  if (exitAfterSetup) {
    await stop();
    return;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().then(() => process.exit(0)));
  }
}

/**
 * Puts each person's records into the tools they are in, dated in the past as the fixture
 * says (survivorship picks the newest). @returns each person's vendor ids by name.
 */
function seed(
  hubspot: HubspotEmulator,
  shopify: ShopifyEmulator,
): Map<string, { hubspotId?: string; shopifyId?: number }> {
  const ids = new Map<string, { hubspotId?: string; shopifyId?: number }>();
  for (const person of DEMO_PEOPLE as DemoPerson[]) {
    const [contact] = person.hubspot
      ? hubspot.seedContacts([person.hubspot.properties], { at: daysAgo(person.hubspot.daysAgo) })
      : [];
    const [customer] = person.shopify
      ? shopify.seedCustomers([person.shopify.customer], { at: daysAgo(person.shopify.daysAgo) })
      : [];
    ids.set(person.name, { hubspotId: contact?.id, shopifyId: customer?.id });
  }
  return ids;
}

function checkLine(check: { ok: boolean; message: string }): string {
  return `${check.ok ? 'ok' : 'FAILED'} (${check.message})`;
}

/** Polls `probe` every 100 ms until it returns a value; throws after WAIT_MS. */
async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const client = new Client({ connectionString: target.maintenanceUrl });
  try {
    await client.connect();
  } catch {
    return; // preflight reports the unreachable server with its own clear message
  }
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`demo: ${problem}`);
  } else {
    console.error(`demo: ${error instanceof StartupError ? error.message : String(error)}`);
  }
  process.exit(1);
});
