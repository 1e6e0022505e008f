/**
 * A helpdesk's staff are not its customers. End to end over real HTTP, against the Zendesk
 * emulator and a Mailchimp audience every profile is pushed to: a Zendesk connection takes
 * end-users only unless `config.includeStaff`; an end-user made an agent loses what Zendesk
 * contributed to their profile, by webhook or by the next sync; staff Syncline never held leave
 * no trace; and the first full sync after staff are left out removes the staff a connection
 * held, without the mass-deletion guard (defaults: SYNC_MAX_DELETE_FRACTION=0.5,
 * SYNC_DELETE_GUARD_MIN_RECORDS=10) taking them for vanished.
 */
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../emulators/mailchimp';
import { ZendeskEmulator, type StoredUser, type ZendeskUserEventType } from '../emulators/zendesk';
import { triggerSync, waitForRun, type SyncRunBody } from '../support/sync-api';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';
import { waitForValue, waitUntil } from '../support/wait-for';

const HOUR_AGO = Date.now() - 3_600_000;
const ZENDESK_SECRET = 'zendesk-webhook-secret';

interface PushBody {
  connectionId: string;
  status: 'ok' | 'failed';
  externalId: string | null;
  lastAttemptAt: string;
  error: string | null;
}

interface ProfileBody {
  id: string;
  status: string;
  traits: Record<string, unknown> & { custom?: Record<string, unknown> };
  provenance: Record<string, { connectionId: string }>;
  sources: { connectionId: string; externalId: string; deleted: boolean }[];
  pushes: PushBody[];
}

let env: TestEnvironment;
let app: TestApp;
let mailchimp: MailchimpEmulator;
let mailchimpConnection: string;
let zendesk: ZendeskEmulator | undefined;
/** Connections profiles are pushed to, but for the shared Mailchimp one: deleted after each test. */
const pushedTo: string[] = [];

beforeAll(async () => {
  env = await createTestEnvironment({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' } });
  app = await startTestApp(env.config);
  mailchimp = new MailchimpEmulator();
  await mailchimp.start();
  mailchimpConnection = await connection('mailchimp', 'both', {
    config: { listId: DEFAULT_LIST_ID, baseUrl: mailchimp.apiBaseUrl() },
    credentials: { apiKey: DEFAULT_API_KEY },
  });
  pushedTo.length = 0;
});

afterEach(async () => {
  // Before its emulator stops: later tests' changes would be pushed to it.
  for (const id of pushedTo.splice(0)) await app.request('DELETE', `/v1/connections/${id}`);
  await zendesk?.stop();
  zendesk = undefined;
});

afterAll(async () => {
  await app?.close();
  await mailchimp?.stop();
  await env?.teardown();
});

async function connection(
  connector: string,
  direction: 'pull' | 'push' | 'both',
  body: { config: Record<string, unknown>; credentials: Record<string, string> },
): Promise<string> {
  const response = await app.request('POST', '/v1/connections', {
    body: {
      connector,
      name: `${connector} ${Math.random().toString(36).slice(2)}`,
      direction,
      ...body,
    },
  });
  if (response.status !== 201) throw new Error(`${connector}: ${response.text}`);
  const { id } = response.body as { id: string };
  if (direction !== 'pull') pushedTo.push(id);
  return id;
}

/** A Zendesk account owned by `owner` (an admin, whose API token the connection uses). */
async function zendeskAccount(owner: string): Promise<ZendeskEmulator> {
  zendesk = new ZendeskEmulator({
    ownerEmail: owner,
    rateLimit: false,
    exportRateLimit: false,
    userUpdateRateLimit: false,
    // Syncs here read changes made a moment ago; Zendesk would hold them back a minute.
    exportHoldBackMs: 0,
  });
  await zendesk.start();
  return zendesk;
}

function zendeskConnection(
  account: ZendeskEmulator,
  config: Record<string, unknown> = {},
  direction: 'pull' | 'push' = 'pull',
): Promise<string> {
  return connection('zendesk', direction, {
    config: { baseUrl: account.apiBaseUrl(), ...config },
    credentials: {
      email: account.owner.email!,
      apiToken: 'test-token',
      webhookSecret: ZENDESK_SECRET,
    },
  });
}

async function sync(connectionId: string, mode: 'full' | 'incremental'): Promise<SyncRunBody> {
  const run = await waitForRun(app, await triggerSync(app, connectionId, { mode }));
  expect(run).toMatchObject({ status: 'succeeded', error: null });
  return run;
}

async function sendWebhook(
  account: ZendeskEmulator,
  connectionId: string,
  type: ZendeskUserEventType,
  user: StoredUser,
): Promise<void> {
  const sent = await account.sendWebhook(`${app.baseUrl}/webhooks/${connectionId}`, type, user, {
    secret: ZENDESK_SECRET,
  });
  expect(sent.status).toBe(200);
}

async function profileByEmail(email: string): Promise<ProfileBody | undefined> {
  const found = await app.request('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
  const [first] = (found.body as { data: { id: string }[] }).data;
  if (!first) return undefined;
  return (await app.request('GET', `/v1/profiles/${first.id}`)).body as ProfileBody;
}

/** The connection's source records: vendor id → deleted. */
async function heldSources(connectionId: string): Promise<Record<string, boolean>> {
  const rows = await env.sql<{ external_id: string; deleted: boolean }>(
    `SELECT external_id, deleted FROM source_record WHERE connection_id = $1`,
    [connectionId],
  );
  return Object.fromEntries(rows.map((row) => [row.external_id, row.deleted]));
}

/**
 * What the store holds about these Zendesk users: profiles through a source record of the
 * connection or an email identifier, and the change-log rows of those profiles.
 */
async function traces(
  connectionId: string,
  users: StoredUser[],
): Promise<{ profiles: number; changes: number }> {
  const [row] = await env.sql<{ profiles: string; changes: string }>(
    `WITH held AS (
       SELECT profile_id FROM source_record WHERE connection_id = $1 AND external_id = ANY($2)
       UNION
       SELECT profile_id FROM profile_identifier WHERE type = 'email' AND value = ANY($3))
     SELECT (SELECT count(*) FROM held) AS profiles,
            (SELECT count(*) FROM profile_change WHERE profile_id IN (SELECT profile_id FROM held))
              AS changes`,
    [connectionId, users.map((user) => String(user.id)), users.map((user) => user.email)],
  );
  return { profiles: Number(row.profiles), changes: Number(row.changes) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Emails Mailchimp was sent, in member bodies or as the member looked up. */
function emailsSentToMailchimp(): string[] {
  return mailchimp
    .requests()
    .filter((request) => request.method !== 'GET')
    .map((request) => (request.body as { email_address?: string } | undefined)?.email_address)
    .filter((email): email is string => typeof email === 'string')
    .map((email) => email.toLowerCase());
}

describe('a Zendesk connection takes end-users only', () => {
  it('a sync of an account with an admin, an agent and end-users makes profiles of the end-users alone and pushes no staff', async () => {
    const account = await zendeskAccount('owner@helpdesk-a.dev');
    const [agent, cara, dan] = account.seedUsers(
      [
        { name: 'Agent Smith', email: 'agent.smith@helpdesk-a.dev', role: 'agent' },
        { name: 'Cara Customer', email: 'cara.customer@shop-a.dev' },
        { name: 'Dan Customer', email: 'dan.customer@shop-a.dev', role: 'end-user' },
      ],
      { at: HOUR_AGO },
    );
    const connectionId = await zendeskConnection(account);

    const run = await sync(connectionId, 'full');
    // Every user was read; the staff, never held, left nothing in the store.
    expect(run.progress).toMatchObject({ recordsRead: 4, deletionsQueued: 0 });
    expect(await heldSources(connectionId)).toEqual({
      [String(cara.id)]: false,
      [String(dan.id)]: false,
    });
    for (const customer of [cara, dan]) {
      const profile = await profileByEmail(customer.email!);
      expect(profile?.sources).toEqual([
        expect.objectContaining({ connectionId, externalId: String(customer.id), deleted: false }),
      ]);
      expect(profile?.traits.custom).toEqual({
        zendesk: { role: 'end-user', name: customer.name },
      });
    }
    expect(await traces(connectionId, [account.owner, agent])).toEqual({ profiles: 0, changes: 0 });
    const staff = [account.owner.email!, agent.email!];

    // The audience gets the customers, and never the helpdesk's staff.
    await waitUntil(() => [cara, dan].every((customer) => mailchimp.member(customer.email!)));
    await sleep(1500);
    for (const email of staff) expect(mailchimp.member(email)).toBeUndefined();
    const sent = emailsSentToMailchimp();
    expect(sent).toEqual(expect.arrayContaining([cara.email, dan.email]));
    expect(sent.filter((email) => staff.includes(email))).toEqual([]);
  });

  it('webhooks about staff it never held leave no trace: no profile, no change', async () => {
    const account = await zendeskAccount('owner@helpdesk-e.dev');
    const connectionId = await zendeskConnection(account);
    const newAgent = account.createUser({
      name: 'Nina Newagent',
      email: 'nina.newagent@helpdesk-e.dev',
      role: 'agent',
    });
    await sendWebhook(account, connectionId, 'user.created', newAgent);
    const leaving = account.createUser({
      name: 'Larry Leaving',
      email: 'larry.leaving@helpdesk-e.dev',
      role: 'admin',
    });
    account.deleteUser(leaving.id);
    await sendWebhook(account, connectionId, 'user.deleted', account.store.get(leaving.id)!);
    // A customer's delivery after them: once it is in, the staff deliveries were handled.
    const marker = account.createUser({ name: 'Mark Marker', email: 'mark.marker@shop-e.dev' });
    await sendWebhook(account, connectionId, 'user.created', marker);
    await waitForValue('the marker delivery', () => profileByEmail(marker.email!));

    expect(await heldSources(connectionId)).toEqual({ [String(marker.id)]: false });
    expect(await traces(connectionId, [newAgent, leaving])).toEqual({ profiles: 0, changes: 0 });
    // A staff user holds no profile, so nothing was fetched for them either.
    const fetched = account
      .requests()
      .filter((request) => request.path.endsWith('/users/show_many.json'))
      .map((request) => request.query.ids);
    expect(fetched).toEqual([String(marker.id)]);
  });
});

describe('an end-user made an agent stops counting as a customer', () => {
  it('by webhook: the Zendesk source goes, the profile keeps what other tools say', async () => {
    const account = await zendeskAccount('owner@helpdesk-b.dev');
    const [paula] = account.seedUsers(
      [
        {
          name: 'Paula Promoted',
          email: 'paula.promoted@shop-b.dev',
          phone: '+14155550141',
          user_fields: { company: 'Acme Support' },
        },
      ],
      { at: HOUR_AGO },
    );
    mailchimp.seedMembers(
      [
        {
          email: 'paula.promoted@shop-b.dev',
          status: 'subscribed',
          mergeFields: { FNAME: 'Paula' },
        },
      ],
      { at: HOUR_AGO },
    );
    await sync(mailchimpConnection, 'full');
    const connectionId = await zendeskConnection(account);
    await sync(connectionId, 'full');
    const before = await profileByEmail(paula.email!);
    expect(before?.traits).toMatchObject({
      company: 'Acme Support',
      custom: { zendesk: { role: 'end-user' } },
    });

    account.updateUser(paula.id, { role: 'agent' });
    await sendWebhook(account, connectionId, 'user.role_changed', account.store.get(paula.id)!);

    const after = await waitForValue('the Zendesk source removed', async () => {
      const profile = await profileByEmail(paula.email!);
      const source = profile?.sources.find((s) => s.connectionId === connectionId);
      return source?.deleted ? profile : undefined;
    });
    expect(after.id).toBe(before!.id);
    expect(after.status).toBe('active');
    expect(after.sources.filter((s) => !s.deleted).map((s) => s.connectionId)).toEqual([
      mailchimpConnection,
    ]);
    expect(after.traits).not.toHaveProperty('company');
    expect(after.traits).not.toHaveProperty(['custom', 'zendesk']);
    expect(after.traits.firstName).toBe('Paula');
    expect(Object.values(after.provenance).map((p) => p.connectionId)).not.toContain(connectionId);

    // The next sync reads her as an agent: she stays out.
    await sync(connectionId, 'incremental');
    expect(await heldSources(connectionId)).toEqual({ [String(paula.id)]: true });
  });

  it('by the next incremental sync, when no webhook told', async () => {
    const account = await zendeskAccount('owner@helpdesk-c.dev');
    const [quinn, rita] = account.seedUsers(
      [
        { name: 'Quinn Promoted', email: 'quinn.promoted@shop-c.dev' },
        { name: 'Rita Stays', email: 'rita.stays@shop-c.dev' },
      ],
      { at: HOUR_AGO },
    );
    const connectionId = await zendeskConnection(account);
    await sync(connectionId, 'full');
    expect(await heldSources(connectionId)).toEqual({
      [String(quinn.id)]: false,
      [String(rita.id)]: false,
    });

    account.updateUser(quinn.id, { role: 'agent' });
    await sync(connectionId, 'incremental');

    expect(await heldSources(connectionId)).toEqual({
      [String(quinn.id)]: true,
      [String(rita.id)]: false,
    });
    // Zendesk was all Syncline knew of Quinn: nothing of theirs is left to push.
    const profile = await profileByEmail(quinn.email!);
    expect(profile).toMatchObject({ status: 'closed', traits: {} });
  });
});

describe('includeStaff', () => {
  it('takes agents and admins too; turned off, the next full sync removes them past the mass-deletion guard', async () => {
    const account = await zendeskAccount('owner@helpdesk-d.dev');
    const agents = account.seedUsers(
      Array.from({ length: 12 }, (_, i) => ({
        name: `Agent ${i}`,
        email: `agent${i}@helpdesk-d.dev`,
        role: 'agent' as const,
      })),
      { at: HOUR_AGO },
    );
    const [sam] = account.seedUsers([{ name: 'Sam Customer', email: 'sam.customer@shop-d.dev' }], {
      at: HOUR_AGO + 60_000,
    });
    const connectionId = await zendeskConnection(account, { includeStaff: true });

    await sync(connectionId, 'full');
    const staffIds = [account.owner, ...agents].map((user) => String(user.id));
    const held = await heldSources(connectionId);
    expect(Object.keys(held).sort()).toEqual([...staffIds, String(sam.id)].sort());
    expect(Object.values(held).every((deleted) => !deleted)).toBe(true);
    expect((await profileByEmail(account.owner.email!))?.traits.custom).toEqual({
      zendesk: { role: 'admin', name: 'Account Owner' },
    });
    expect((await profileByEmail(agents[0].email!))?.traits.custom).toMatchObject({
      zendesk: { role: 'agent' },
    });

    // Ingested a day ago, as after an upgrade: recent records are never judged vanished
    // (Zendesk's export lags a minute), and this must hold without that shelter.
    await env.sql(
      `UPDATE source_record SET received_at = now() - interval '1 day' WHERE connection_id = $1`,
      [connectionId],
    );

    // Staff now left out: 13 of the 14 records held are staff. Taken for vanished, they would
    // trip the guard (more than 10, and more than half); returned as left out, they are removed
    // as Zendesk's own word that these are not customers, and the guard counts none of them.
    const patched = await app.request('PATCH', `/v1/connections/${connectionId}`, {
      body: { config: { baseUrl: account.apiBaseUrl(), includeStaff: false } },
    });
    expect(patched.status).toBe(200);
    const run = await sync(connectionId, 'full');
    expect(run.progress).toMatchObject({ recordsRead: 14, recordsQueued: 14, deletionsQueued: 0 });

    expect(await heldSources(connectionId)).toEqual(
      Object.fromEntries([...staffIds.map((id) => [id, true]), [String(sam.id), false]]),
    );
    expect(await profileByEmail(account.owner.email!)).toMatchObject({
      status: 'closed',
      traits: {},
    });
    expect((await profileByEmail(sam.email!))?.status).toBe('active');

    // Done: the next full sync finds nothing more to remove, and logs no change.
    const settled = await heldSources(connectionId);
    const [{ n: changesBefore }] = await env.sql<{ n: string }>(
      'SELECT count(*) AS n FROM profile_change',
    );
    const again = await sync(connectionId, 'full');
    expect(again.progress).toMatchObject({ recordsRead: 14, deletionsQueued: 0 });
    expect(await heldSources(connectionId)).toEqual(settled);
    const [{ n: changesAfter }] = await env.sql<{ n: string }>(
      'SELECT count(*) AS n FROM profile_change',
    );
    expect(changesAfter).toBe(changesBefore);
  });
});

describe('Syncline writes no customer data into staff accounts', () => {
  const STAFF = 'Syncline does not write to staff (config.includeStaff is off)';

  /** The profile's push to `connectionId` once it was tried after `since` (ISO time), if ever. */
  async function pushAfter(email: string, connectionId: string, since = '') {
    const push = (await profileByEmail(email))?.pushes.find((p) => p.connectionId === connectionId);
    return push && push.lastAttemptAt > since ? push : undefined;
  }

  async function deadLetterErrors(connectionId: string): Promise<string[]> {
    const letters = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
    return (letters.body as { data: { error: string }[] }).data.map((letter) => letter.error);
  }

  it("a customer pushed to Zendesk and made an agent since: their next change stays out of the agent's account, and says why", async () => {
    const account = await zendeskAccount('owner@helpdesk-f.dev');
    const connectionId = await zendeskConnection(account, {}, 'push');
    const [vera] = mailchimp.seedMembers(
      [
        {
          email: 'vera.vendor@shop-f.dev',
          status: 'subscribed',
          mergeFields: { FNAME: 'Vera', LNAME: 'Vendor' },
        },
      ],
      { at: HOUR_AGO },
    );
    await sync(mailchimpConnection, 'full');
    const first = await waitForValue('Vera pushed to Zendesk', () =>
      pushAfter(vera.email, connectionId),
    );
    expect(first.status).toBe('ok');
    const userId = Number(first.externalId);
    expect(account.store.get(userId)).toMatchObject({ name: 'Vera Vendor', role: 'end-user' });

    // She joins the support team; then her name changes in Mailchimp.
    account.updateUser(userId, { role: 'agent' });
    account.clearRequests();
    mailchimp.updateMember(vera.id, { mergeFields: { FNAME: 'Verena' } });
    await sync(mailchimpConnection, 'incremental');

    const refused = await waitForValue('the push after the change', () =>
      pushAfter(vera.email, connectionId, first.lastAttemptAt),
    );
    const error = `Zendesk user ${userId} is an agent; ${STAFF}`;
    expect(refused).toMatchObject({ status: 'failed', error });
    expect(account.store.get(userId)).toMatchObject({ name: 'Vera Vendor', role: 'agent' });
    // Other tests' people reach this account too: only writes about Vera matter here.
    const aboutVera = account
      .requests()
      .filter((request) => request.method !== 'GET')
      .filter((request) =>
        [String(userId), vera.email].some((mark) =>
          `${request.path} ${request.rawBody}`.includes(mark),
        ),
      );
    expect(aboutVera).toEqual([]);
    await waitUntil(async () => (await deadLetterErrors(connectionId)).length > 0);
    expect(await deadLetterErrors(connectionId)).toEqual([expect.stringContaining(error)]);
  });

  it("the account owner shopping in the store: their customer profile is not written onto the owner's admin account", async () => {
    const account = await zendeskAccount('gail.owner@shop-g.dev');
    const connectionId = await zendeskConnection(account, {}, 'push');
    mailchimp.seedMembers(
      [
        {
          email: 'gail.owner@shop-g.dev',
          status: 'subscribed',
          mergeFields: { FNAME: 'Gail', LNAME: 'Shopper', PHONE: '+14155550177' },
        },
        { email: 'hal.customer@shop-g.dev', status: 'subscribed', mergeFields: { FNAME: 'Hal' } },
      ],
      { at: HOUR_AGO },
    );
    await sync(mailchimpConnection, 'full');

    const gail = await waitForValue("the owner's profile pushed", () =>
      pushAfter('gail.owner@shop-g.dev', connectionId),
    );
    const hal = await waitForValue("the customer's profile pushed", () =>
      pushAfter('hal.customer@shop-g.dev', connectionId),
    );
    const owner = account.owner;
    expect(gail).toMatchObject({
      status: 'failed',
      error: `Zendesk user ${owner.id}, an admin, has this profile's email; ${STAFF}`,
    });
    expect(hal.status).toBe('ok');
    expect(account.store.get(Number(hal.externalId))).toMatchObject({
      email: 'hal.customer@shop-g.dev',
      role: 'end-user',
    });
    expect(account.store.get(owner.id)).toMatchObject({ name: 'Account Owner', phone: null });
    const upserted = account
      .requests()
      .filter((request) => request.method === 'POST')
      .map((request) => (request.body as { user: { email?: string } }).user.email);
    expect(upserted).toContain('hal.customer@shop-g.dev');
    expect(upserted).not.toContain('gail.owner@shop-g.dev');
  });
});
