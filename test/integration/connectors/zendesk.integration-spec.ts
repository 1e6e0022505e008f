/**
 * The Zendesk connector through the real runtime (HTTP client, retries, Redis rate budget)
 * against the Zendesk emulator on loopback, and its webhooks through a real local listener.
 */
import {
  createZendeskConnector,
  type ZendeskConfig,
  type ZendeskCredentials,
  type ZendeskUser,
} from '../../../connectors/zendesk';
import {
  HttpRequestError,
  RateLimitedError,
  type ConnectorContext,
  type ReadPage,
  type ReadRequest,
  type SyncCursor,
  type WriteItem,
} from '../../../src/connector-sdk';
import { ZendeskEmulator, type ZendeskEmulatorOptions } from '../../emulators/zendesk';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';
import { startWebhookListener, type WebhookListener } from '../../support/webhook-listener';

const SECRET = 'zendesk-webhook-signing-secret';
const PAGE_SIZE = 100;
const DAY_AGO = Math.floor((Date.now() - 24 * 60 * 60 * 1000) / 1000) * 1000;
const EXPORT = '/api/v2/incremental/users/cursor.json';
const UPSERT = '/api/v2/users/create_or_update.json';
const SHOW_MANY = '/api/v2/users/show_many.json';

const connector = createZendeskConnector({ pageSize: PAGE_SIZE });
const harness = useConnectorRuntime(connector);

let emulator: ZendeskEmulator;

async function startEmulator(options: ZendeskEmulatorOptions = {}): Promise<void> {
  emulator = new ZendeskEmulator({
    rateLimit: false,
    exportRateLimit: false,
    userUpdateRateLimit: false,
    ...options,
  });
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(
  credentials: Partial<ZendeskCredentials> = {},
): ConnectorContext<ZendeskConfig, ZendeskCredentials> {
  return harness.context(
    { baseUrl: emulator.apiBaseUrl() },
    { email: 'admin@example.com', apiToken: 'test-token', webhookSecret: SECRET, ...credentials },
  );
}

const readAll = (request: ReadRequest, ctx = context()) => readAllPages(connector, ctx, request);

async function firstPage(request: ReadRequest): Promise<ReadPage<ZendeskUser>> {
  const iterator = connector.read!(context(), request)[Symbol.asyncIterator]();
  const page = (await iterator.next()).value as ReadPage<ZendeskUser>;
  await iterator.return?.();
  return page;
}

const exportCalls = () => emulator.requests({ pathPrefix: EXPORT });
const ids = (users: { id: number }[]) => users.map((u) => u.id);

afterEach(() => emulator?.stop());

describe('Zendesk connector: check and read', () => {
  it('check succeeds for an admin token and explains a rejected token or an agent', async () => {
    await startEmulator();
    await expect(connector.check!(context())).resolves.toEqual({
      ok: true,
      message: 'Connected to Zendesk',
      details: { userId: String(emulator.owner.id), role: 'admin' },
    });
    await expect(connector.check!(context({ apiToken: 'wrong' }))).resolves.toEqual({
      ok: false,
      message: 'Zendesk rejected the email and API token',
    });
    emulator.createUser({ name: 'Agent Smith', email: 'agent@example.com', role: 'agent' });
    await expect(connector.check!(context({ email: 'agent@example.com' }))).resolves.toMatchObject({
      ok: false,
      message: expect.stringMatching(/acts as a Zendesk agent.*needs an admin/),
    });
    const [me] = emulator.requests({ pathPrefix: '/api/v2/users/me.json' });
    const basic = Buffer.from('admin@example.com/token:test-token').toString('base64');
    expect(me.headers.authorization).toBe(`Basic ${basic}`);
  });

  it('full read streams the export from start_time=0: every user exactly once, mapped', async () => {
    await startEmulator();
    const seeded = emulator.seedUsers(250, { at: DAY_AGO });

    const { records, cursor } = await readAll({ mode: 'full', cursor: null });

    expect(ids(records)).toHaveLength(251); // the account owner is a user too
    expect(new Set(ids(records))).toEqual(new Set([emulator.owner.id, ...ids(seeded)]));
    const calls = exportCalls();
    expect(calls.map((c) => c.query)).toEqual([
      { start_time: '0', per_page: '100' },
      { cursor: expect.any(String), per_page: '100' },
      { cursor: expect.any(String), per_page: '100' },
    ]);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(cursor).toEqual({
      after: expect.any(String),
      caughtUp: true,
      startTime: 0,
      newestUpdatedAt: DAY_AGO + 249_000,
    });

    const fourth = records.find((r) => r.id === seeded[4].id)!;
    expect(connector.mapIn!(fourth)).toEqual({
      externalId: String(seeded[4].id),
      updatedAt: new Date(DAY_AGO + 4_000).toISOString(),
      traits: {
        email: 'user4@example.com',
        phone: '+15550100004',
        firstName: 'First4',
        lastName: 'Last4',
        locale: 'en-US',
        timezone: 'America/New_York',
        tags: [],
        company: 'Company 4',
        custom: { zendesk: { role: 'end-user', name: 'First4 Last4' } },
      },
    });
  });

  it('incremental read continues from after_cursor, then looks back from the newest change', async () => {
    await startEmulator();
    const seeded = emulator.seedUsers(120, { at: DAY_AGO });
    const { cursor: afterFull } = await readAll({ mode: 'full', cursor: null });

    // Changes a little over a minute old: Zendesk holds back the last minute.
    const changedAt = Math.floor((Date.now() - 100_000) / 1000) * 1000;
    const changed = [seeded[3], seeded[60], seeded[119]];
    changed.forEach((u, i) =>
      emulator.updateUser(u.id, { phone: '+15550199999' }, changedAt + i * 1000),
    );
    const created = emulator.createUser(
      { name: 'New Person', email: 'new@example.com' },
      changedAt + 5_000,
    );
    const deleted = emulator.deleteUser(seeded[10].id, changedAt + 6_000);
    emulator.clearRequests();

    const first = await readAll({ mode: 'incremental', cursor: afterFull });
    expect(ids(first.records).sort()).toEqual(ids([...changed, created, deleted]).sort());
    expect(exportCalls().map((c) => Object.keys(c.query).sort())).toEqual([['cursor', 'per_page']]);
    expect(connector.mapIn!(first.records.find((r) => r.id === deleted.id)!)).toMatchObject({
      externalId: String(deleted.id),
      deleted: true,
    });

    // Nothing changed since: the next run is empty.
    const second = await readAll({ mode: 'incremental', cursor: first.cursor });
    expect(second.records).toEqual([]);

    // A look-back restarts the stream from start_time = newest updated_at - look-back.
    emulator.clearRequests();
    const lookedBack = await readAll({
      mode: 'incremental',
      cursor: second.cursor,
      lookBackMs: 4_000,
    });
    expect(exportCalls()[0].query).toEqual({
      start_time: String((changedAt + 6_000 - 4_000) / 1000),
      per_page: '100',
    });
    expect(ids(lookedBack.records).sort()).toEqual(ids([seeded[119], created, deleted]).sort());
  });

  it('resumes a full read from a JSON cursor saved after any page', async () => {
    await startEmulator();
    emulator.seedUsers(250, { at: DAY_AGO });

    const page = await firstPage({ mode: 'full', cursor: null });
    expect(page.records).toHaveLength(100);
    expect(page.cursor).toMatchObject({ caughtUp: false, startTime: 0 });
    const saved = JSON.parse(JSON.stringify(page.cursor)) as SyncCursor;

    const rest = await readAll({ mode: 'full', cursor: saved });
    const all = ids([...page.records, ...rest.records]);
    expect(all).toHaveLength(251);
    expect(new Set(all).size).toBe(251);

    // An incremental run handed a full read in progress finishes that read first.
    const viaIncremental = await readAll({
      mode: 'incremental',
      cursor: saved,
      lookBackMs: 300_000,
    });
    expect(ids(viaIncremental.records)).toEqual(ids(rest.records));
  });

  it("slows down on the export's own 429 + Retry-After but completes the read", async () => {
    // Two export requests a second: five pages need at least two windows.
    await startEmulator({ exportRateLimit: { max: 2, intervalMs: 1000 } });
    emulator.seedUsers(450, { at: DAY_AGO });

    const started = Date.now();
    const { records } = await readAll({ mode: 'full', cursor: null });
    const elapsed = Date.now() - started;

    expect(new Set(ids(records)).size).toBe(451);
    const statuses = exportCalls().map((c) => c.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(exportCalls().some((c) => c.faulted)).toBe(false);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
  });

  it('fetches users by id through show_many, at most 100 ids a call, skipping unknown ids', async () => {
    await startEmulator();
    const seeded = emulator.seedUsers(150, { at: DAY_AGO });
    emulator.deleteUser(seeded[5].id);

    const some = await connector.fetch!(context(), [
      String(seeded[1].id),
      String(seeded[3].id),
      String(seeded[5].id),
      '999',
      'not-an-id',
    ]);
    expect(ids(some).sort()).toEqual(ids([seeded[1], seeded[3]]).sort());
    expect(some[0]).toHaveProperty('phone');

    emulator.clearRequests();
    const all = await connector.fetch!(
      context(),
      seeded.map((u) => String(u.id)),
    );
    expect(all).toHaveLength(149);
    const calls = emulator.requests({ pathPrefix: '/api/v2/users/show_many.json' });
    expect(calls.map((c) => String(c.query.ids).split(',').length)).toEqual([100, 50]);
  });

  it('answers like Zendesk: 401 body, anonymous me, 400 on a recent start_time, 429s', async () => {
    await startEmulator({ rateLimit: { max: 3, intervalMs: 60_000 } });
    const url = `${emulator.apiBaseUrl()}/users/me.json`;
    const basic = (login: string) => ({
      authorization: `Basic ${Buffer.from(login).toString('base64')}`,
    });
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(200);
    expect(((await anonymous.json()) as { user: { id: unknown } }).user.id).toBeNull();
    const wrong = await fetch(url, { headers: basic('admin@example.com/token:nope') });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "Couldn't authenticate you" });

    const headers = basic('admin@example.com/token:test-token');
    const ok = await fetch(url, { headers });
    expect(ok.headers.get('x-rate-limit')).toBe('3');
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('2');
    const recent = await fetch(
      `${emulator.apiBaseUrl()}/incremental/users/cursor.json?start_time=${Math.floor(Date.now() / 1000) - 10}`,
      { headers },
    );
    expect(recent.status).toBe(400);
    await fetch(url, { headers });
    const limited = await fetch(url, { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(await limited.text()).toBe('Number of allowed API requests per minute exceeded');
  });
});

describe('Zendesk connector: write and erase', () => {
  const newPerson = (profileId: string, email: string, extra: Record<string, string> = {}) => {
    const fields = {
      email,
      first_name: 'Nia',
      last_name: 'Okafor',
      phone: '+15550109999',
      locale: 'en-GB',
      'user_fields.company': 'Initech',
      ...extra,
    };
    return { profileId, fields, changed: fields } satisfies WriteItem;
  };

  it('creates unknown people and matches existing ones with create_or_update', async () => {
    await startEmulator();
    const [, , , existing] = emulator.seedUsers(4, { at: DAY_AGO });
    // Their id in the customer's own system (SSO, CRM): a match by email must keep it.
    emulator.updateUser(existing.id, { external_id: 'sso-42' }, DAY_AGO);

    const results = await connector.write!(context(), [
      newPerson('p-1', 'nia@example.com'),
      {
        profileId: 'p-2',
        fields: { email: existing.email!, first_name: 'Renamed', last_name: 'User' },
        changed: { first_name: 'Renamed', last_name: 'User' },
      },
    ]);

    const created = emulator.store.findByEmail('nia@example.com')!;
    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: String(created.id) },
      { profileId: 'p-2', ok: true, externalId: String(existing.id) },
    ]);
    const upserts = emulator.requests({ method: 'POST', pathPrefix: UPSERT });
    expect(upserts.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(upserts.find((r) => r.status === 201)!.body).toEqual({
      user: {
        email: 'nia@example.com',
        name: 'Nia Okafor',
        phone: '+15550109999',
        locale: 'en-GB',
        user_fields: { company: 'Initech' },
        skip_verify_email: true,
      },
    });
    expect(created).toMatchObject({
      name: 'Nia Okafor',
      email: 'nia@example.com',
      user_fields: { company: 'Initech' },
    });
    expect(emulator.store.get(existing.id)).toMatchObject({
      name: 'Renamed User',
      external_id: 'sso-42',
    });
    // What we wrote reads back as the same traits: the echo is no change.
    expect(
      connector.mapIn!(await connector.fetch!(context(), [String(created.id)]).then((u) => u[0])),
    ).toMatchObject({
      traits: { firstName: 'Nia', lastName: 'Okafor', company: 'Initech', phone: '+15550109999' },
    });
  });

  it('updates a known user by id with only the changed fields', async () => {
    await startEmulator();
    const [first] = await connector.write!(context(), [newPerson('p-1', 'nia@example.com')]);
    const id = first.externalId!;
    const base = newPerson('p-1', 'nia@example.com').fields;
    emulator.clearRequests();

    const results = await connector.write!(context(), [
      {
        profileId: 'p-1',
        externalId: id,
        fields: { ...base, phone: '+15550108888', last_name: 'Smith' },
        changed: { phone: '+15550108888', last_name: 'Smith' },
      },
    ]);
    expect(results).toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    // The user is looked up first: only a customer is written to (see zendesk-staff-write).
    const [lookup, put] = emulator.requests();
    expect(lookup).toMatchObject({ method: 'GET', path: SHOW_MANY, query: { ids: id } });
    expect(put.method).toBe('PUT');
    expect(put.path).toBe(`/api/v2/users/${id}.json`);
    expect(put.body).toEqual({ user: { phone: '+15550108888', name: 'Nia Smith' } });
    expect(emulator.store.get(Number(id))).toMatchObject({
      phone: '+15550108888',
      name: 'Nia Smith',
    });

    // Nothing changed: nothing is sent.
    emulator.clearRequests();
    await expect(
      connector.write!(context(), [
        { profileId: 'p-1', externalId: id, fields: base, changed: {} },
      ]),
    ).resolves.toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    expect(emulator.requests()).toHaveLength(0);

    // Deleted in Zendesk since: the lookup does not list them, and the person is created again.
    emulator.deleteUser(Number(id));
    const [again] = await connector.write!(context(), [
      { profileId: 'p-1', externalId: id, fields: base, changed: { phone: '+15550107777' } },
    ]);
    expect(again.ok).toBe(true);
    expect(again.externalId).not.toBe(id);
    expect(emulator.store.get(Number(again.externalId))).toMatchObject({
      email: 'nia@example.com',
      active: true,
    });
  });

  it('a record Zendesk rejects fails alone; the rest of the batch goes through', async () => {
    await startEmulator();
    const results = await connector.write!(context(), [
      newPerson('p-1', 'one@example.com'),
      newPerson('p-2', 'not-an-email'),
      newPerson('p-3', 'three@example.com'),
    ]);
    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: expect.stringMatching(/^\d+$/) },
      {
        profileId: 'p-2',
        ok: false,
        retryable: false,
        error: 'HTTP 422: Email: not-an-email is not properly formatted',
      },
      { profileId: 'p-3', ok: true, externalId: expect.stringMatching(/^\d+$/) },
    ]);
    expect(emulator.store.findByEmail('one@example.com')).toBeDefined();
    expect(emulator.store.findByEmail('not-an-email')).toBeUndefined();
    expect(emulator.store.findByEmail('three@example.com')).toBeDefined();
  });

  it('creates a nameless profile with a stand-in name only after Zendesk asks for one', async () => {
    await startEmulator();
    const [existing] = emulator.seedUsers([{ name: 'Real Name', email: 'known@example.com' }]);
    const results = await connector.write!(context(), [
      { profileId: 'p-1', fields: { email: 'known@example.com' }, changed: {} },
      { profileId: 'p-2', fields: { email: 'noname@example.com', first_name: null }, changed: {} },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    // The match kept its real name: no stand-in was sent to it.
    expect(emulator.store.get(existing.id)!.name).toBe('Real Name');
    const created = emulator.store.findByEmail('noname@example.com')!;
    expect(created.name).toBe('noname@example.com');
    const upserts = emulator.requests({ pathPrefix: UPSERT });
    expect(upserts.map((r) => r.status).sort()).toEqual([200, 201, 422]);
    const [read] = await connector.fetch!(context(), [String(created.id)]);
    expect(connector.mapIn!(read).traits).not.toHaveProperty('firstName');
  });

  it('retries a 429 with Retry-After; a persistent one, or a bad token, fails the call', async () => {
    await startEmulator();
    emulator.injectFault({
      status: 429,
      pathPrefix: UPSERT,
      headers: { 'retry-after': '1', 'content-type': 'text/plain' },
      body: 'Number of allowed API requests per minute exceeded',
    });
    const started = Date.now();
    const [ok] = await connector.write!(context(), [newPerson('p-1', 'nia@example.com')]);
    expect(ok.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(emulator.requests({ pathPrefix: UPSERT }).map((r) => r.status)).toEqual([429, 201]);

    emulator.injectFault({
      status: 429,
      pathPrefix: UPSERT,
      headers: { 'retry-after': '0' },
      times: 10,
    });
    await expect(
      connector.write!(context(), [newPerson('p-2', 'two@example.com')]),
    ).rejects.toBeInstanceOf(RateLimitedError);
    emulator.clearFaults();

    const rejected: unknown = await connector.write!(context({ apiToken: 'wrong' }), [
      newPerson('p-3', 'three@example.com'),
    ]).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(HttpRequestError);
    expect((rejected as HttpRequestError).status).toBe(401);
  });

  it("honours Zendesk's per-user update limit", async () => {
    await startEmulator({ userUpdateRateLimit: { max: 1, intervalMs: 1000 } });
    const [first] = await connector.write!(context(), [newPerson('p-1', 'nia@example.com')]);
    const update = (phone: string) =>
      connector.write!(context(), [
        { profileId: 'p-1', externalId: first.externalId, fields: { phone }, changed: { phone } },
      ]);
    // Both updates inside one window of the limit, whatever the clock says.
    while (Date.now() % 1000 > 200) await new Promise((resolve) => setTimeout(resolve, 20));
    await update('+15550100001');
    const [second] = await update('+15550100002');
    expect(second.ok).toBe(true);
    const puts = emulator.requests({ method: 'PUT' }).map((r) => r.status);
    expect(puts).toContain(429);
    expect(emulator.store.get(Number(first.externalId))!.phone).toBe('+15550100002');
  });

  it('erases end users for good (delete, then permanent delete), idempotently', async () => {
    await startEmulator();
    const [byEmail] = emulator.seedUsers([{ name: 'Only Email', email: 'only@example.com' }]);
    const agent = emulator.createUser({
      name: 'Agent Smith',
      email: 'agent@example.com',
      role: 'agent',
    });
    const written = await connector.write!(context(), [
      newPerson('p-1', 'nia@example.com'),
      // No email: created with external_id = the profile id, which is how it is found again.
      newPerson('p-2', ''),
    ]);
    const niaId = written[0].externalId!;
    emulator.clearRequests();

    const results = await connector.erase!(context(), [
      { profileId: 'p-1', externalId: niaId, fields: { email: 'nia@example.com' } },
      { profileId: 'p-2', fields: {} },
      { profileId: 'p-3', fields: { email: 'only@example.com' } },
      { profileId: 'p-4', externalId: String(agent.id), fields: {} },
      { profileId: 'p-5', fields: { email: 'nobody@example.com' } },
    ]);

    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: niaId },
      { profileId: 'p-2', ok: true, externalId: written[1].externalId },
      { profileId: 'p-3', ok: true, externalId: String(byEmail.id) },
      {
        profileId: 'p-4',
        ok: false,
        retryable: false,
        error: `Zendesk user ${agent.id} is an agent; remove them as staff in Zendesk first`,
        externalId: String(agent.id),
      },
      { profileId: 'p-5', ok: true },
    ]);
    const calls = emulator
      .requests()
      .filter((r) => r.path.includes(niaId))
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toEqual([
      `GET /api/v2/users/${niaId}.json 200`,
      `DELETE /api/v2/users/${niaId}.json 200`,
      `DELETE /api/v2/deleted_users/${niaId}.json 200`,
    ]);
    for (const id of [niaId, written[1].externalId!, String(byEmail.id)]) {
      expect(emulator.store.get(Number(id))).toMatchObject({
        active: false,
        permanentlyDeleted: true,
        email: null,
        name: 'Permanently Deleted User',
      });
    }
    expect(emulator.store.get(agent.id)!.active).toBe(true);

    // A retried erase (or one cut short after the soft delete) completes.
    const halfway = emulator.createUser({ name: 'Half Way', email: 'half@example.com' });
    emulator.deleteUser(halfway.id);
    await expect(
      connector.erase!(context(), [
        { profileId: 'p-1', externalId: niaId, fields: {} },
        { profileId: 'p-6', externalId: String(halfway.id), fields: {} },
      ]),
    ).resolves.toEqual([
      { profileId: 'p-1', ok: true, externalId: niaId },
      { profileId: 'p-6', ok: true, externalId: String(halfway.id) },
    ]);
    expect(emulator.store.get(halfway.id)!.permanentlyDeleted).toBe(true);
  });
});

describe('Zendesk webhooks from the emulator', () => {
  let listener: WebhookListener;

  beforeEach(async () => {
    listener = await startWebhookListener();
    await startEmulator();
  });

  afterEach(() => listener.close());

  const creds = {
    config: {},
    credentials: { email: 'admin@example.com', apiToken: 'test-token', webhookSecret: SECRET },
  };

  it('a signed user.created verifies, parses to a fetch, and the fetch brings the user', async () => {
    const [user] = emulator.seedUsers(1, { at: DAY_AGO });
    const sent = await emulator.sendWebhook(`${listener.url}/webhooks/c1`, 'user.created', user, {
      secret: SECRET,
    });
    expect(sent.status).toBe(200);
    const [delivery] = listener.received;
    for (const name of [
      'x-zendesk-account-id',
      'x-zendesk-webhook-id',
      'x-zendesk-webhook-invocation-id',
      'x-zendesk-webhook-signature',
      'x-zendesk-webhook-signature-timestamp',
    ]) {
      expect(delivery.headers[name]).toBeTruthy();
    }
    expect(JSON.parse(delivery.rawBody.toString())).toMatchObject({
      type: 'zen:event-type:user.created',
      subject: `zen:user:${user.id}`,
      detail: { id: String(user.id), email: user.email, role: 'end-user' },
    });
    expect(connector.verifyWebhook!(delivery, creds)).toEqual({ ok: true });
    const [event] = connector.parseWebhook!(delivery);
    expect(event).toEqual({
      dedupeKey: `zendesk:${sent.invocationId}`,
      kind: 'fetch',
      externalId: String(user.id),
      occurredAt: new Date(DAY_AGO).toISOString(),
    });
    const [fetched] = await connector.fetch!(context(), [event.externalId]);
    expect(connector.mapIn!(fetched).traits).toMatchObject({
      email: user.email,
      phone: user.phone,
    });
  });

  it('refuses a forged signature, a tampered body and a stale timestamp', async () => {
    const [user] = emulator.seedUsers(1);
    const url = `${listener.url}/webhooks/c1`;
    await emulator.sendWebhook(url, 'user.name_changed', user, { secret: 'someone-else' });
    await emulator.sendWebhook(url, 'user.name_changed', user, {
      secret: SECRET,
      timestamp: Date.now() - 6 * 60 * 1000,
    });
    await emulator.sendWebhook(url, 'user.name_changed', user, { secret: SECRET });
    const [forged, stale, genuine] = listener.received;
    expect(connector.verifyWebhook!(forged, creds)).toEqual({
      ok: false,
      reason: 'Invalid X-Zendesk-Webhook-Signature',
    });
    expect(connector.verifyWebhook!(stale, creds)).toEqual({
      ok: false,
      reason: 'Zendesk signature timestamp is more than 5 minutes off',
    });
    const tampered = {
      ...genuine,
      rawBody: Buffer.from(genuine.rawBody.toString().replace(user.email!, 'eve@example.com')),
    };
    expect(connector.verifyWebhook!(tampered, creds)).toMatchObject({ ok: false });
    expect(connector.verifyWebhook!(genuine, creds)).toEqual({ ok: true });
  });

  it('parses each user event type; retries of one delivery share a dedupe key', async () => {
    const [user] = emulator.seedUsers(1);
    const url = `${listener.url}/w`;
    const send = (type: Parameters<ZendeskEmulator['sendWebhook']>[1], invocationId?: string) =>
      emulator.sendWebhook(url, type, user, { secret: SECRET, invocationId });
    await send('user.created', 'inv-1');
    await send('user.created', 'inv-1'); // Zendesk retrying the same invocation
    await send('user.name_changed');
    await send('user.identity_changed');
    await send('user.custom_field_changed');
    await send('user.last_login_changed');
    emulator.deleteUser(user.id);
    await send('user.active_changed');
    await send('user.deleted');

    const parsed = listener.received.map((delivery) => {
      expect(connector.verifyWebhook!(delivery, creds)).toEqual({ ok: true });
      return connector.parseWebhook!(delivery).map((e) => `${e.kind}:${e.externalId}`);
    });
    const id = String(user.id);
    expect(parsed).toEqual([
      [`fetch:${id}`],
      [`fetch:${id}`],
      [`fetch:${id}`],
      [`fetch:${id}`],
      [`fetch:${id}`],
      [],
      [`delete:${id}`],
      [`delete:${id}`],
    ]);
    const keys = listener.received.map((d) => connector.parseWebhook!(d)[0]?.dedupeKey);
    expect(keys[0]).toBe('zendesk:inv-1');
    expect(keys[1]).toBe(keys[0]);
    // Every delivery of the webhook carries the same webhook id: it is not the dedupe key.
    expect(new Set(listener.received.map((d) => d.headers['x-zendesk-webhook-id'])).size).toBe(1);
    expect(new Set(keys.filter(Boolean)).size).toBe(6);
  });
});
