import { DEFAULT_PORTAL_ID, HubspotEmulator } from '../emulators/hubspot';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForValue } from '../support/wait-for';

interface ProfileDetail {
  id: string;
  traits: Record<string, unknown>;
  sources: { connectionId: string; externalId: string; deleted: boolean }[];
}

const ACME_TOKEN = 'pat-na1-acme-portal-token';
const OTHER_TOKEN = 'pat-eu1-other-portal-token';
const OTHER_PORTAL_ID = 99001;
/** One public app installed in both accounts: one client secret signs both accounts' events. */
const APP_SECRET = 'shared-app-client-secret-0123456789';

/**
 * A HubSpot public app sends every installed account's events to its one webhook URL, signed
 * with its one client secret. Two emulated accounts (portals) whose contact ids overlap, as
 * real ones do, and a real app (API and worker in one process) on PostgreSQL and Redis.
 */
describe('HubSpot connections bound to a portal', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let acme: HubspotEmulator;
  let other: HubspotEmulator;

  const hookUrl = (connectionId: string) => `${app.baseUrl}/webhooks/${connectionId}`;

  const createConnection = async (name: string, config: Record<string, unknown>) => {
    const created = await app.request('POST', '/v1/connections', {
      body: {
        connector: 'hubspot',
        name,
        direction: 'pull',
        config: { baseUrl: acme.baseUrl, ...config },
        credentials: { accessToken: ACME_TOKEN, clientSecret: APP_SECRET },
      },
    });
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  const profileBy = async (query: string): Promise<ProfileDetail | undefined> => {
    const found = await app.request('GET', `/v1/profiles?${query}`);
    const summary = (found.body as { data: { id: string }[] }).data[0];
    if (!summary) return undefined;
    return (await app.request('GET', `/v1/profiles/${summary.id}`)).body as ProfileDetail;
  };
  const byEmail = (email: string) => profileBy(`email=${encodeURIComponent(email)}`);

  beforeAll(async () => {
    env = await createTestEnvironment();
    acme = new HubspotEmulator({ accessTokens: [ACME_TOKEN] });
    other = new HubspotEmulator({ accessTokens: [OTHER_TOKEN], portalId: OTHER_PORTAL_ID });
    await Promise.all([acme.start(), other.start()]);
    app = await startTestApp(env.config);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([acme?.stop(), other?.stop()]);
    await env?.teardown();
  });

  it("ignores another portal's signed events: nothing fetched, ingested or deleted", async () => {
    const connection = await createConnection('HubSpot (Acme)', { portalId: DEFAULT_PORTAL_ID });
    const [ann, bob, cat] = acme.seedContacts([
      { email: 'ann.portal@acme.syncline.dev', firstname: 'Ann' },
      { email: 'bob.portal@acme.syncline.dev', firstname: 'Bob' },
      { email: 'cat.portal@acme.syncline.dev', firstname: 'Cat' },
    ]);
    // The other account numbers its contacts from 1 too: its ids name Acme's contacts.
    const [otherFirst, otherSecond] = other.seedContacts([
      { email: 'zed@other.syncline.dev' },
      { email: 'yan@other.syncline.dev' },
    ]);
    expect([otherFirst.id, otherSecond.id]).toEqual([ann.id, bob.id]);

    const ours = await acme.sendWebhook(
      hookUrl(connection),
      [{ subscriptionType: 'contact.creation', objectId: Number(ann.id) }],
      { clientSecret: APP_SECRET },
    );
    expect(JSON.parse(ours.body)).toEqual({ received: 1, duplicates: 0 });
    await waitForValue('Acme contact ingested', () => byEmail('ann.portal@acme.syncline.dev'));
    acme.clearRequests();

    const foreign = await other.sendWebhook(
      hookUrl(connection),
      [
        { subscriptionType: 'contact.deletion', objectId: Number(otherFirst.id) },
        { subscriptionType: 'contact.creation', objectId: Number(otherSecond.id) },
      ],
      { clientSecret: APP_SECRET },
    );
    expect(foreign.status).toBe(200);
    expect(JSON.parse(foreign.body)).toEqual({ received: 0, duplicates: 0 });

    // A later event of Acme's goes through: the connection still takes its own portal's events.
    await acme.sendWebhook(
      hookUrl(connection),
      [{ subscriptionType: 'contact.creation', objectId: Number(cat.id) }],
      { clientSecret: APP_SECRET },
    );
    await waitForValue('later Acme contact ingested', () =>
      byEmail('cat.portal@acme.syncline.dev'),
    );
    const fetched = acme
      .requests({ method: 'POST', pathPrefix: '/crm/v3/objects/contacts/batch/read' })
      .flatMap((read) => (read.body as { inputs: { id: string }[] }).inputs.map((i) => i.id));
    expect(fetched).toEqual([cat.id]);
    expect(await byEmail('bob.portal@acme.syncline.dev')).toBeUndefined();
    const annProfile = await byEmail('ann.portal@acme.syncline.dev');
    expect(annProfile?.sources).toEqual([
      expect.objectContaining({ connectionId: connection, externalId: ann.id, deleted: false }),
    ]);
  });

  it("fails the connection test naming portalId when the token is another portal's", async () => {
    const misbound = await createConnection('HubSpot (wrong portal)', {
      portalId: OTHER_PORTAL_ID,
    });
    const check = await app.request('POST', `/v1/connections/${misbound}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      ok: false,
      message: `The access token belongs to HubSpot portal ${DEFAULT_PORTAL_ID}, not to the configured portalId ${OTHER_PORTAL_ID}`,
    });

    const fixed = await app.request('PATCH', `/v1/connections/${misbound}`, {
      body: { config: { baseUrl: acme.baseUrl, portalId: DEFAULT_PORTAL_ID } },
    });
    expect(fixed.status).toBe(200);
    expect((await app.request('POST', `/v1/connections/${misbound}/check`)).body).toMatchObject({
      ok: true,
    });
  });

  it('refuses a portalId that is not a positive integer, naming it', async () => {
    for (const portalId of [0, -5, 1.5, '62515']) {
      const response = await app.request('POST', '/v1/connections', {
        body: {
          connector: 'hubspot',
          name: `HubSpot (portal ${String(portalId)})`,
          direction: 'pull',
          config: { baseUrl: acme.baseUrl, portalId },
          credentials: { accessToken: ACME_TOKEN },
        },
      });
      expect({ portalId, status: response.status }).toEqual({ portalId, status: 400 });
      expect((response.body as { errors: { field: string }[] }).errors).toEqual([
        expect.objectContaining({ field: 'config.portalId' }),
      ]);
    }
  });

  it("hands another portal's events to the connection bound to that portal, if it shares the app", async () => {
    const receiving = await createConnection('HubSpot (Acme, app URL)', {
      portalId: DEFAULT_PORTAL_ID,
    });
    const bindTo = async (name: string, portalId: number, clientSecret: string) => {
      const created = await app.request('POST', '/v1/connections', {
        body: {
          connector: 'hubspot',
          name,
          direction: 'pull',
          config: { baseUrl: other.baseUrl, portalId },
          credentials: { accessToken: OTHER_TOKEN, clientSecret },
        },
      });
      expect(created.status).toBe(201);
      return (created.body as { id: string }).id;
    };
    const otherAccount = await bindTo('HubSpot (Other)', OTHER_PORTAL_ID, APP_SECRET);
    // Bound to a third account, but installed through another app: its secret differs.
    await bindTo('HubSpot (another app)', 77001, 'another-apps-client-secret-987654');
    const [xia] = other.seedContacts([{ email: 'xia@other.syncline.dev', firstname: 'Xia' }]);
    acme.clearRequests();
    other.clearRequests();

    const routed = await other.sendWebhook(
      hookUrl(receiving),
      [{ subscriptionType: 'contact.creation', objectId: Number(xia.id) }],
      { clientSecret: APP_SECRET },
    );
    expect(JSON.parse(routed.body)).toEqual({ received: 1, duplicates: 0 });
    const profile = await waitForValue("the other portal's contact ingested", () =>
      byEmail('xia@other.syncline.dev'),
    );
    expect(profile.sources).toEqual([
      expect.objectContaining({ connectionId: otherAccount, externalId: xia.id }),
    ]);
    // Fetched from its own account with its own token; nothing asked of Acme's.
    expect(
      other.requests({ method: 'POST', pathPrefix: '/crm/v3/objects/contacts/batch/read' }),
    ).toHaveLength(1);
    expect(acme.requests({ pathPrefix: '/crm/v3/objects/contacts' })).toEqual([]);

    // The third account's connection does not verify this app's signature: nobody takes it.
    const unclaimed = await other.sendWebhook(
      hookUrl(receiving),
      [{ subscriptionType: 'contact.deletion', objectId: Number(xia.id) }],
      { clientSecret: APP_SECRET, portalId: 77001 },
    );
    expect(JSON.parse(unclaimed.body)).toEqual({ received: 0, duplicates: 0 });
  });

  it("the emulator's account details answer as HubSpot documents: Bearer token, else 401", async () => {
    const details = (token?: string) =>
      fetch(`${other.baseUrl}/account-info/v3/details`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const anonymous = await details();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      status: 'error',
      category: 'INVALID_AUTHENTICATION',
    });
    expect((await details(ACME_TOKEN)).status).toBe(401);
    const answered = await details(OTHER_TOKEN);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({
      portalId: OTHER_PORTAL_ID,
      accountType: 'STANDARD',
      timeZone: expect.any(String),
      companyCurrency: expect.any(String),
      additionalCurrencies: [],
      utcOffset: expect.any(String),
      utcOffsetMilliseconds: expect.any(Number),
      uiDomain: expect.any(String),
      dataHostingLocation: expect.any(String),
    });
  });
});
