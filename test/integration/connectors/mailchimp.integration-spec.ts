/**
 * The Mailchimp connector through the real runtime (HTTP client, retries, Redis rate budget)
 * against the Mailchimp emulator on loopback, and its webhooks through real local HTTP.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMailchimpConnector,
  type MailchimpConfig,
  type MailchimpCredentials,
  type MailchimpMember,
} from '../../../connectors/mailchimp';
import {
  HttpRequestError,
  type ConnectorContext,
  type ReadPage,
  type ReadRequest,
  type WebhookEvent,
  type WebhookRequest,
  type WriteItem,
} from '../../../src/connector-sdk';
import {
  DEFAULT_API_KEY,
  DEFAULT_LIST_ID,
  emailChangeData,
  MailchimpEmulator,
  mailchimpTime,
  validateMailchimpWebhookUrl,
  type MailchimpEmulatorOptions,
} from '../../emulators/mailchimp';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';
import { startWebhookListener, type WebhookListener } from '../../support/webhook-listener';

const TOKEN = 'mailchimp-webhook-token-0123456789';
const DAY_AGO = Math.floor((Date.now() - 24 * 60 * 60 * 1000) / 1000) * 1000;
const LIST = DEFAULT_LIST_ID;

const connector = createMailchimpConnector();
const harness = useConnectorRuntime(connector);
/**
 * For connections contending for Mailchimp's connection slots: with the harness's short
 * backoff, a loaded machine can hand one of them six 429s in a row.
 */
const patientHarness = useConnectorRuntime(connector, { maxRetries: 12 });
const patientContext = (): ConnectorContext<MailchimpConfig, MailchimpCredentials> =>
  patientHarness.context(
    { listId: LIST, baseUrl: emulator.apiBaseUrl() },
    { apiKey: DEFAULT_API_KEY, webhookToken: TOKEN },
  );

let emulator: MailchimpEmulator;

async function startEmulator(options: MailchimpEmulatorOptions = {}): Promise<void> {
  emulator = new MailchimpEmulator(options);
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(
  config: Partial<MailchimpConfig> = {},
  apiKey = DEFAULT_API_KEY,
): ConnectorContext<MailchimpConfig, MailchimpCredentials> {
  return harness.context(
    { listId: LIST, baseUrl: emulator.apiBaseUrl(), ...config },
    { apiKey, webhookToken: TOKEN },
  );
}

const readAll = (request: ReadRequest, ctx = context(), reader = connector) =>
  readAllPages(reader, ctx, request);

/** Independent of the connector's helper: Node's MD5 of the lower-cased address. */
const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');
const membersCalls = () => emulator.requests({ pathPrefix: `/3.0/lists/${LIST}/members` });
const iso = (ms: number) => new Date(ms).toISOString();

function item(profileId: string, fields: WriteItem['fields'], extra: Partial<WriteItem> = {}) {
  return { profileId, fields, changed: fields, ...extra };
}

afterEach(() => emulator?.stop());

describe('Mailchimp connector', () => {
  it('check proves key and audience: ok, rejected key, unknown audience', async () => {
    await startEmulator();
    emulator.seedMembers(3);
    await expect(connector.check!(context())).resolves.toEqual({
      ok: true,
      message: 'Connected to Mailchimp audience "Syncline test audience"',
      details: { members: 3 },
    });
    const [call] = emulator.requests();
    const [, password] = Buffer.from(call.headers.authorization.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    expect(password).toBe(DEFAULT_API_KEY);

    await expect(
      connector.check!(context({}, 'ffffffffffffffffffffffffffffffff-us19')),
    ).resolves.toEqual({
      ok: false,
      message: 'Mailchimp rejected the API key (or it belongs to another data centre)',
    });
    await expect(connector.check!(context({ listId: 'nope' }))).resolves.toEqual({
      ok: false,
      message: 'No Mailchimp audience with id "nope"',
    });
  });

  it('full read yields every member once, archived ones as deletions, by the documented query', async () => {
    await startEmulator();
    // An import: every member changed in the same second.
    const seeded = emulator.seedMembers(2500, { at: DAY_AGO });
    emulator.archiveMember(seeded[7].id, { at: DAY_AGO + 1000 });
    const windowEnd = Date.now() - 5 * 60 * 1000;

    const { records, cursor } = await readAll({ mode: 'full', cursor: null });

    const ids = records.map((r) => r.id);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    const calls = membersCalls();
    expect(calls.every((c) => c.status === 200)).toBe(true);
    // The window: changed before the read began (minus a clock-skew margin), oldest first.
    expect(calls).toHaveLength(4);
    expect(calls[0].query).toEqual({
      count: '1000',
      offset: '0',
      before_last_changed: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      sort_field: 'last_changed',
      sort_dir: 'ASC',
      fields: expect.stringContaining('members.last_changed'),
    });
    const before = calls[0].query.before_last_changed as string;
    expect(Math.abs(Date.parse(before) - windowEnd)).toBeLessThan(10_000);
    expect(calls.slice(1, 3).map((c) => [c.query.offset, c.query.before_last_changed])).toEqual([
      ['1000', before],
      ['2000', before],
    ]);
    // The tail: changed since the window's end, newest first.
    expect(calls[3].query).toMatchObject({
      offset: '0',
      since_last_changed: mailchimpTime(Date.parse(before) - 1000),
      sort_dir: 'DESC',
    });
    expect(calls[3].query.before_last_changed).toBeUndefined();
    expect(cursor).toEqual({
      phase: 'done',
      from: iso(Date.parse(before) - 1000),
      to: null,
      offset: 0,
      total: null,
    });

    const archived = records.find((r) => r.id === seeded[7].id)!;
    expect(connector.mapIn!(archived)).toMatchObject({ externalId: seeded[7].id, deleted: true });
    expect(connector.mapIn!(records.find((r) => r.id === md5('member4@example.com'))!)).toEqual({
      externalId: md5('member4@example.com'),
      updatedAt: iso(DAY_AGO),
      traits: {
        email: 'member4@example.com',
        firstName: 'First4',
        lastName: 'Last4',
        phone: '+15550000004',
        address: {
          line1: '4 Main St',
          line2: null,
          city: 'Atlanta',
          region: 'GA',
          postalCode: '30308',
          country: 'US',
        },
        emailConsent: 'subscribed',
        locale: null,
        tags: ['customer'],
        custom: { mailchimp: { BIRTHDAY: null } },
      },
    });
  });

  it('incremental read asks since_last_changed and returns only what changed', async () => {
    await startEmulator();
    let now = Date.now();
    const clocked = createMailchimpConnector({ now: () => now });
    const read = (request: ReadRequest) => readAll(request, context(), clocked);
    const seeded = emulator.seedMembers(300, { at: DAY_AGO });
    const { cursor: afterFull } = await read({ mode: 'full', cursor: null });

    const changedAt = now + 60_000;
    const changed = [seeded[3], seeded[150], seeded[299]];
    for (const m of changed) {
      emulator.updateMember(m.id, { mergeFields: { LNAME: 'Changed' } }, { at: changedAt });
    }
    const [created] = emulator.seedMembers([{ email: 'new@example.com' }], { at: changedAt });
    emulator.clearRequests();
    const previousEnd = Date.parse((afterFull as { from: string }).from);
    now += 10 * 60_000;

    const first = await read({ mode: 'incremental', cursor: afterFull });
    expect(first.records.map((r) => r.id).sort()).toEqual(
      [...changed.map((m) => m.id), created.id].sort(),
    );
    expect(first.records.find((r) => r.id === seeded[3].id)!.merge_fields!.LNAME).toBe('Changed');
    expect(membersCalls()[0].query).toMatchObject({
      since_last_changed: mailchimpTime(previousEnd),
      before_last_changed: mailchimpTime(now - 5 * 60_000),
    });

    now += 10 * 60_000;
    const second = await read({ mode: 'incremental', cursor: first.cursor });
    expect(second.records).toEqual([]);

    const wide = await read({
      mode: 'incremental',
      cursor: second.cursor,
      lookBackMs: 2 * 24 * 60 * 60 * 1000,
    });
    expect(new Set(wide.records.map((r) => r.id)).size).toBe(301);
  });

  it('resumes from a JSON cursor after any page, losing nobody who changes mid-read', async () => {
    await startEmulator();
    // 250 members sharing one second, then 120 a second apart: pages of 100.
    const tied = emulator.seedMembers(250, { at: DAY_AGO });
    const spaced = emulator.seedMembers(
      Array.from({ length: 120 }, (_, i) => ({ email: `later${i}@example.com` })),
      { at: DAY_AGO + 1000, spacingMs: 1000 },
    );
    const paged = createMailchimpConnector({ pageSize: 100 });

    const pages: ReadPage<MailchimpMember>[] = [];
    let cursor = null as ReadPage<MailchimpMember>['cursor'];
    // Read two pages, "die", and resume from the JSON checkpoint, twice over.
    for (let attempt = 0; attempt < 2; attempt++) {
      const iterator = paged.read!(context(), { mode: 'full', cursor })[Symbol.asyncIterator]();
      for (let i = 0; i < 2; i++) {
        const next = await iterator.next();
        if (next.done) break;
        pages.push(next.value);
        cursor = JSON.parse(JSON.stringify(next.value.cursor));
      }
      await iterator.return?.();
      if (attempt === 0) {
        // Members already delivered change: they move to the end of the order. With plain
        // offset paging, the two members at the next page boundary would now be skipped.
        for (const m of [tied[5], tied[60]]) {
          emulator.updateMember(m.id, { mergeFields: { FNAME: 'Moved' } });
        }
      }
    }
    const rest = await readAll({ mode: 'full', cursor }, context(), paged);
    const records = [...pages.flatMap((p) => p.records), ...rest.records];
    const ids = records.map((r) => r.id);

    const everyone = [...tied, ...spaced].map((m) => m.id);
    expect(new Set(ids)).toEqual(new Set(everyone));
    // The window noticed it lost two members and stepped back two places, to where the
    // shifted members now start; the moved members arrive again, changed, from the tail.
    expect(ids.length).toBe(everyone.length + 2);
    const latest = (id: string) => records.filter((r) => r.id === id).pop()!;
    expect(latest(tied[5].id).merge_fields!.FNAME).toBe('Moved');
    expect(latest(tied[60].id).merge_fields!.FNAME).toBe('Moved');
    const windowCalls = membersCalls().filter((c) => c.query.sort_dir === 'ASC');
    expect(windowCalls.map((c) => c.query.offset)).toEqual(['0', '100', '200', '198', '298']);
  });

  it('over 10 simultaneous connections Mailchimp answers 429; the client backs off and completes', async () => {
    await startEmulator({ maxConnections: 2, latencyMs: 40 });
    const batch = Array.from({ length: 6 }, (_, i) =>
      item(`p${i}`, { email_address: `busy${i}@example.com`, 'merge_fields.FNAME': `Busy${i}` }),
    );

    const results = await connector.write!(patientContext(), batch);

    expect(results.every((r) => r.ok)).toBe(true);
    expect(emulator.store().all()).toHaveLength(6);
    const limited = emulator.requests().filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.every((r) => !r.faulted)).toBe(true);

    // Three connections of one account reading at once, paged small: all complete.
    emulator.seedMembers(60, { at: DAY_AGO });
    emulator.clearRequests();
    const paged = createMailchimpConnector({ pageSize: 20 });
    const reads = await Promise.all(
      [1, 2, 3].map(() => readAll({ mode: 'full', cursor: null }, patientContext(), paged)),
    );
    for (const { records } of reads) expect(new Set(records.map((r) => r.id)).size).toBe(66);
    expect(emulator.requests().some((r) => r.status === 429)).toBe(true);

    // The 429 as Mailchimp sends it: problem details, no rate or Retry-After headers.
    await emulator.stop();
    await startEmulator({ maxConnections: 1, latencyMs: 200 });
    const auth = `Basic ${Buffer.from(`any:${DEFAULT_API_KEY}`).toString('base64')}`;
    const url = `${emulator.apiBaseUrl()}/ping`;
    const [slow, refused] = await Promise.all([
      fetch(url, { headers: { authorization: auth } }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        fetch(url, { headers: { authorization: auth } }),
      ),
    ]);
    expect(slow.status).toBe(200);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await refused.json()).toEqual({
      type: 'https://mailchimp.com/developer/marketing/docs/errors/',
      title: 'Too Many Requests',
      status: 429,
      detail: 'You have exceeded the limit of 1 simultaneous connections.',
      instance: expect.any(String),
    });
  });

  it('write creates a member: PUT to the hash of the lower-cased address with status_if_new', async () => {
    await startEmulator();
    const fields = {
      email_address: 'Ann.Lee@Example.com',
      status: 'subscribed',
      'merge_fields.FNAME': 'Ann',
      'merge_fields.LNAME': 'Lee',
      'merge_fields.PHONE': '+15550001111',
      'merge_fields.ADDRESS': {
        line1: '1 Peachtree St',
        city: 'Atlanta',
        region: 'GA',
        postalCode: '30308',
        country: 'US',
      },
    };

    const [result] = await connector.write!(context(), [item('p1', fields)]);

    expect(result).toEqual({ profileId: 'p1', ok: true, externalId: md5('ann.lee@example.com') });
    const [put] = emulator.requests({ method: 'PUT' });
    expect(put.path).toBe(`/3.0/lists/${LIST}/members/${md5('ann.lee@example.com')}`);
    // A new member gets its consent through status_if_new only; `status` is left out.
    expect(put.body).toEqual({
      email_address: 'Ann.Lee@Example.com',
      status_if_new: 'subscribed',
      merge_fields: {
        FNAME: 'Ann',
        LNAME: 'Lee',
        PHONE: '+15550001111',
        ADDRESS: {
          addr1: '1 Peachtree St',
          city: 'Atlanta',
          state: 'GA',
          zip: '30308',
          country: 'US',
        },
      },
    });
    const stored = emulator.member('ann.lee@example.com')!;
    expect(stored.status).toBe('subscribed');
    expect(stored.mergeFields.PHONE).toBe('+15550001111');

    // Consent unknown: the configured default (never "subscribed" by guess).
    await connector.write!(context(), [item('p2', { email_address: 'bo@example.com' })]);
    await connector.write!(context({ statusIfNew: 'pending' }), [
      item('p3', { email_address: 'cy@example.com' }),
    ]);
    expect(emulator.member('bo@example.com')!.status).toBe('transactional');
    expect(emulator.member('cy@example.com')!.status).toBe('pending');
  });

  it('write sets tags through the tags endpoint: adds, removes what Syncline knew, keeps the rest', async () => {
    await startEmulator();
    const email = 'tagged@example.com';
    const [created] = await connector.write!(context(), [
      item('p1', { email_address: email, 'merge_fields.FNAME': 'Tia', tags: ['customer', 'vip'] }),
    ]);
    expect(created).toMatchObject({ ok: true, externalId: md5(email) });
    // Not in the upsert (Mailchimp ignores tags there for existing members).
    expect(emulator.requests({ method: 'PUT' })[0].body).not.toHaveProperty('tags');
    const [tagCall] = emulator.requests({
      method: 'POST',
      pathPrefix: `/3.0/lists/${LIST}/members/`,
    });
    expect(tagCall.path).toBe(`/3.0/lists/${LIST}/members/${md5(email)}/tags`);
    expect(tagCall.status).toBe(204);
    expect(tagCall.body).toEqual({
      tags: [
        { name: 'customer', status: 'active' },
        { name: 'vip', status: 'active' },
      ],
    });
    const tagNames = () =>
      emulator
        .member(email)!
        .tags.map((tag) => tag.name)
        .sort();
    expect(tagNames()).toEqual(['customer', 'vip']);

    // A marketer tags the member in Mailchimp; then the profile loses "vip" and gains "b2b".
    const marketer = await fetch(
      `${emulator.apiBaseUrl()}/lists/${LIST}/members/${md5(email)}/tags`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`any:${DEFAULT_API_KEY}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ tags: [{ name: 'webinar-2026', status: 'active' }] }),
      },
    );
    expect(marketer.status).toBe(204);
    emulator.clearRequests();
    const [updated] = await connector.write!(context(), [
      item(
        'p1',
        { email_address: email, 'merge_fields.FNAME': 'Tia', tags: ['customer', 'b2b'] },
        {
          externalId: md5(email),
          changed: { tags: ['customer', 'b2b'] },
          held: { email_address: email, 'merge_fields.FNAME': 'Tia', tags: ['customer', 'vip'] },
        },
      ),
    ]);
    expect(updated).toMatchObject({ ok: true });
    const [retag] = emulator.requests({ method: 'POST' });
    expect(retag.body).toEqual({
      tags: [
        { name: 'b2b', status: 'active' },
        { name: 'vip', status: 'inactive' },
      ],
    });
    expect(tagNames()).toEqual(['b2b', 'customer', 'webinar-2026']);

    // Tags unchanged: no tags call at all.
    emulator.clearRequests();
    await connector.write!(context(), [
      item(
        'p1',
        { email_address: email, 'merge_fields.FNAME': 'Tiana', tags: ['customer', 'b2b'] },
        { externalId: md5(email), changed: { 'merge_fields.FNAME': 'Tiana' } },
      ),
    ]);
    expect(emulator.requests({ method: 'POST' })).toEqual([]);
  });

  it('write updates a known member with only what changed; a consent change sets status', async () => {
    await startEmulator();
    const [ann] = emulator.seedMembers(1, { at: DAY_AGO });
    const fields = {
      email_address: ann.email,
      status: 'subscribed',
      'merge_fields.FNAME': 'First0',
      'merge_fields.PHONE': '+15559990000',
    };
    emulator.clearRequests();

    const [updated] = await connector.write!(context(), [
      item('p1', fields, { externalId: ann.id, changed: { 'merge_fields.PHONE': '+15559990000' } }),
    ]);
    expect(updated).toEqual({ profileId: 'p1', ok: true, externalId: ann.id });
    expect(emulator.requests({ method: 'PUT' })[0].body).toEqual({
      email_address: ann.email,
      status_if_new: 'subscribed',
      merge_fields: { PHONE: '+15559990000' },
    });
    const stored = emulator.member(ann.id)!;
    expect(stored.mergeFields).toMatchObject({ FNAME: 'First0', PHONE: '+15559990000' });
    expect(stored.lastChanged).toBeGreaterThan(DAY_AGO);

    await connector.write!(context(), [
      item(
        'p1',
        { ...fields, status: 'unsubscribed' },
        {
          externalId: ann.id,
          changed: { status: 'unsubscribed' },
        },
      ),
    ]);
    expect(emulator.requests({ method: 'PUT' })[1].body).toMatchObject({ status: 'unsubscribed' });
    expect(emulator.member(ann.id)!.status).toBe('unsubscribed');

    // Mailchimp refuses to re-subscribe an unsubscribed member through the API: the write
    // goes through without the status, and the member stays unsubscribed.
    const [resubscribed] = await connector.write!(context(), [
      item('p1', fields, { externalId: ann.id, changed: { status: 'subscribed' } }),
    ]);
    expect(resubscribed).toMatchObject({ profileId: 'p1', ok: true });
    expect(emulator.requests({ method: 'PUT' })[2].body).toMatchObject({ status: 'subscribed' });
    expect(emulator.requests({ method: 'PUT' })[3].body).not.toHaveProperty('status');
    expect(emulator.member(ann.id)!.status).toBe('unsubscribed');
  });

  it('an address change renames the member under its old hash', async () => {
    await startEmulator();
    const [{ id: oldId }] = emulator.seedMembers([{ email: 'old@example.com' }], { at: DAY_AGO });

    const [result] = await connector.write!(context(), [
      item(
        'p1',
        { email_address: 'New@Example.com', 'merge_fields.FNAME': 'Ann' },
        { externalId: oldId, changed: { email_address: 'New@Example.com' } },
      ),
    ]);

    expect(result).toEqual({ profileId: 'p1', ok: true, externalId: md5('new@example.com') });
    expect(emulator.requests({ method: 'PUT' })[0].path).toBe(
      `/3.0/lists/${LIST}/members/${oldId}`,
    );
    expect(emulator.member('old@example.com')).toBeUndefined();
    expect(emulator.member('new@example.com')!.email).toBe('New@Example.com');
  });

  it('a rename the old member cannot take falls back to an upsert of the new address', async () => {
    await startEmulator();
    const [result] = await connector.write!(context(), [
      item(
        'p1',
        { email_address: 'renamed@example.com', 'merge_fields.FNAME': 'Ann' },
        { externalId: md5('gone@example.com'), changed: { email_address: 'renamed@example.com' } },
      ),
    ]);

    expect(result).toEqual({ profileId: 'p1', ok: true, externalId: md5('renamed@example.com') });
    expect(emulator.requests({ method: 'PUT' }).map((r) => [r.path, r.status])).toEqual([
      [`/3.0/lists/${LIST}/members/${md5('gone@example.com')}`, 400],
      [`/3.0/lists/${LIST}/members/${md5('renamed@example.com')}`, 200],
    ]);
  });

  it('a rejected address fails alone; the rest of the batch is written', async () => {
    await startEmulator();
    const results = await connector.write!(context(), [
      item('ok-1', { email_address: 'one@example.com' }),
      item('fake', { email_address: 'someone@fake.invalid' }),
      item('no-email', { 'merge_fields.FNAME': 'Nobody' }),
      item('ok-2', { email_address: 'two@example.com' }),
    ]);

    expect(results).toEqual([
      { profileId: 'ok-1', ok: true, externalId: md5('one@example.com') },
      {
        profileId: 'fake',
        ok: false,
        retryable: false,
        error:
          '400 Invalid Resource: someone@fake.invalid looks fake or invalid, please enter a real email address.',
      },
      {
        profileId: 'no-email',
        ok: false,
        retryable: false,
        error: 'The profile has no email address, and Mailchimp members are keyed by theirs',
      },
      { profileId: 'ok-2', ok: true, externalId: md5('two@example.com') },
    ]);
    expect(
      emulator
        .store()
        .all()
        .map((m) => m.email)
        .sort(),
    ).toEqual(['one@example.com', 'two@example.com']);
    expect(emulator.requests({ method: 'PUT' })).toHaveLength(3);
  });

  it('a write that keeps failing with 5xx throws, retryable, for the runtime to retry', async () => {
    await startEmulator();
    emulator.injectFault({ method: 'PUT', status: 503, times: 10, body: 'upstream busy' });
    await expect(
      connector.write!(context(), [item('p1', { email_address: 'x@example.com' })]),
    ).rejects.toMatchObject({ constructor: HttpRequestError, status: 503, retryable: true });
    expect(emulator.requests({ method: 'PUT' })).toHaveLength(6);
  });

  it('erase deletes permanently (the address cannot be re-imported), or archives', async () => {
    await startEmulator();
    const [ann, bob] = emulator.seedMembers(2, { at: DAY_AGO });

    const results = await connector.erase!(context(), [
      { profileId: 'p1', externalId: ann.id, fields: { email_address: ann.email } },
      { profileId: 'p2', fields: { email_address: 'never-there@example.com' } },
    ]);
    expect(results).toEqual([
      { profileId: 'p1', ok: true, externalId: ann.id },
      { profileId: 'p2', ok: true, externalId: md5('never-there@example.com') },
    ]);
    expect(emulator.requests({ method: 'POST' })[0].path).toBe(
      `/3.0/lists/${LIST}/members/${ann.id}/actions/delete-permanent`,
    );
    expect(emulator.member(ann.id)).toBeUndefined();
    const [again] = await connector.write!(context(), [item('p1', { email_address: ann.email })]);
    expect(again).toMatchObject({ ok: false, retryable: false });
    expect(again.error).toMatch(/^400 Forgotten Email Not Subscribed: /);

    const [archived] = await connector.erase!(context({ eraseMode: 'archive' }), [
      { profileId: 'p3', fields: { email_address: bob.email } },
    ]);
    expect(archived).toEqual({ profileId: 'p3', ok: true, externalId: bob.id });
    expect(emulator.requests({ method: 'DELETE' })[0].path).toBe(
      `/3.0/lists/${LIST}/members/${bob.id}`,
    );
    const [fetched] = await connector.fetch!(context(), [bob.id, md5('nobody@example.com')]);
    expect(fetched.status).toBe('archived');
    expect(connector.mapIn!(fetched).deleted).toBe(true);
  });
});

/** Syncline's side of a webhook URL, in miniature: GET answered, POSTs verified and parsed. */
async function startReceiver(ctx: { config: MailchimpConfig; credentials: MailchimpCredentials }) {
  const events: WebhookEvent<MailchimpMember>[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: WebhookRequest = {
        method: req.method ?? 'GET',
        url: `http://127.0.0.1${req.url}`,
        headers: req.headers as Record<string, string>,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      if (request.method === 'GET') {
        const answer = connector.answerWebhookGet!(request, ctx);
        res.writeHead(answer.status).end();
        return;
      }
      const verified = connector.verifyWebhook!(request, ctx);
      if (!verified.ok) {
        rejected.push(verified.reason);
        res.writeHead(401).end();
        return;
      }
      events.push(...connector.parseWebhook!(request));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    events,
    rejected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Registers a webhook through the API, for every event source, as an admin would. */
function registerWebhook(url: string): Promise<Response> {
  return fetch(`${emulator.apiBaseUrl()}/lists/${LIST}/webhooks`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`x:${DEFAULT_API_KEY}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ url, sources: { user: true, admin: true, api: true } }),
  });
}

describe('Mailchimp webhooks', () => {
  let listener: WebhookListener;
  const creds = {
    config: { listId: LIST },
    credentials: { apiKey: DEFAULT_API_KEY, webhookToken: TOKEN },
  };

  beforeEach(async () => {
    listener = await startWebhookListener();
    await startEmulator();
  });

  afterEach(() => listener.close());

  const hookUrl = (token = TOKEN) => `${listener.url}/webhooks/c1?token=${token}`;

  it("answers Mailchimp's validation GET: 200 with the token, 401 without or with another", async () => {
    expect(await validateMailchimpWebhookUrl(hookUrl())).toBe(200);
    await validateMailchimpWebhookUrl(hookUrl('wrong-token-0123456789'));
    await validateMailchimpWebhookUrl(`${listener.url}/webhooks/c1`);
    const [good, wrong, none] = listener.received;
    expect(good.method).toBe('GET');
    expect(good.headers['user-agent']).toBe('MailChimp.com WebHook Validator');
    expect(connector.answerWebhookGet!(good, creds)).toEqual({ status: 200 });
    expect(connector.answerWebhookGet!(wrong, creds)).toEqual({
      status: 401,
      body: { message: 'Invalid webhook token' },
    });
    expect(connector.answerWebhookGet!(none, creds)).toMatchObject({ status: 401 });
  });

  it('verifies deliveries by the URL token and the audience', async () => {
    const [member] = emulator.seedMembers(1);
    await emulator.sendWebhook(hookUrl(), 'profile', member);
    await emulator.sendWebhook(hookUrl('wrong-token-0123456789'), 'profile', member);
    await emulator.sendWebhook(`${listener.url}/webhooks/c1`, 'profile', member);
    await emulator.sendWebhook(hookUrl(), 'profile', member, { listId: 'otherlist1' });
    const [good, wrong, none, otherList] = listener.received;

    expect(good.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(connector.verifyWebhook!(good, creds)).toEqual({ ok: true });
    expect(connector.verifyWebhook!(wrong, creds)).toEqual({
      ok: false,
      reason: 'Invalid webhook token',
    });
    expect(connector.verifyWebhook!(none, creds)).toEqual({
      ok: false,
      reason: 'The webhook URL has no ?token= parameter',
    });
    expect(connector.verifyWebhook!(otherList, creds)).toEqual({
      ok: false,
      reason: `Delivery is about audience otherlist1; this connection reads audience ${LIST}`,
    });
    expect(
      connector.verifyWebhook!(good, { ...creds, credentials: { apiKey: DEFAULT_API_KEY } }),
    ).toEqual({ ok: false, reason: 'No webhook token configured for this connection' });
  });

  it('parses every delivery type into member events that mapIn reads', async () => {
    const [ann] = emulator.seedMembers(1);
    const firedAt = Date.parse('2025-01-24T15:30:00Z');
    const send = (type: Parameters<MailchimpEmulator['sendWebhook']>[1], data = {}, extra = {}) =>
      emulator.sendWebhook(hookUrl(), type, { ...data } as never, { firedAt, ...extra });

    await emulator.sendWebhook(hookUrl(), 'subscribe', ann, { firedAt });
    await emulator.sendWebhook(hookUrl(), 'profile', ann, { firedAt });
    await emulator.sendWebhook(hookUrl(), 'unsubscribe', ann, { firedAt });
    await emulator.sendWebhook(hookUrl(), 'unsubscribe', ann, { firedAt, action: 'delete' });
    await emulator.sendWebhook(hookUrl(), 'cleaned', ann, { firedAt });
    await send('upemail', emailChangeData(LIST, ann.email, 'ann.new@example.com'));
    await send('campaign', {
      id: '5aa2102003',
      subject: 'Hi',
      status: 'sent',
      reason: '',
      list_id: LIST,
    });
    const parsed = listener.received.map((delivery) => connector.parseWebhook!(delivery));
    const [subscribe, profile, unsubscribe, deleted, cleaned, upemail, campaign] = parsed;
    const at = '2025-01-24T15:30:00.000Z';
    // Like Mailchimp, the emulator sends the unique_email_id as data[id], not the member id.
    const sentId = new URLSearchParams(listener.received[0].rawBody.toString('utf8')).get(
      'data[id]',
    );
    expect(sentId).toBe(ann.uniqueEmailId);
    expect(sentId).not.toBe(ann.id);

    expect(subscribe).toEqual([
      {
        dedupeKey: expect.stringMatching(/^mailchimp:[0-9a-f]{32}$/),
        kind: 'upsert',
        externalId: ann.id,
        occurredAt: at,
        record: expect.objectContaining({ id: ann.id, status: 'subscribed', last_changed: at }),
      },
    ]);
    expect(connector.mapIn!(subscribe[0].record!)).toEqual({
      externalId: ann.id,
      updatedAt: at,
      traits: {
        email: ann.email,
        firstName: 'First0',
        lastName: 'Last0',
        phone: '+15550000000',
        address: {
          line1: '0 Main St',
          line2: null,
          city: 'Atlanta',
          region: 'GA',
          postalCode: '30308',
          country: 'US',
        },
        emailConsent: 'subscribed',
      },
    });
    // A profile update states no status: the member is fetched whole.
    expect(profile).toEqual([
      { dedupeKey: expect.any(String), kind: 'fetch', externalId: ann.id, occurredAt: at },
    ]);
    const [fetched] = await connector.fetch!(context(), [profile[0].externalId]);
    expect(connector.mapIn!(fetched).traits).toMatchObject({
      email: ann.email,
      firstName: 'First0',
      emailConsent: 'subscribed',
    });
    expect(connector.mapIn!(unsubscribe[0].record!).traits.emailConsent).toBe('unsubscribed');
    expect(deleted).toEqual([
      { dedupeKey: expect.any(String), kind: 'delete', externalId: ann.id, occurredAt: at },
    ]);
    expect(cleaned[0]).toMatchObject({ kind: 'upsert', externalId: md5(ann.email) });
    expect(connector.mapIn!(cleaned[0].record!).traits).toEqual({
      email: ann.email,
      emailConsent: 'cleaned',
    });

    // The old id ends; the new member is fetched whole.
    expect(upemail.map((e) => [e.kind, e.externalId])).toEqual([
      ['delete', ann.id],
      ['fetch', md5('ann.new@example.com')],
    ]);
    expect(new Set(upemail.map((e) => e.dedupeKey)).size).toBe(2);
    expect(campaign).toEqual([]);

    // Mailchimp retries a delivery unchanged: same key. Another second: another change.
    await emulator.sendWebhook(hookUrl(), 'profile', ann, { firedAt });
    await emulator.sendWebhook(hookUrl(), 'profile', ann, { firedAt: firedAt + 1000 });
    const [retry, later] = listener.received.slice(-2).map((d) => connector.parseWebhook!(d)[0]);
    expect(retry.dedupeKey).toBe(profile[0].dedupeKey);
    expect(later.dedupeKey).not.toBe(profile[0].dedupeKey);
  });

  it('deliveries name the member a read returns; an address change ends the old one and starts the new', async () => {
    const receiver = await startReceiver(creds);
    try {
      expect((await registerWebhook(`${receiver.url}/webhooks/c1?token=${TOKEN}`)).status).toBe(
        200,
      );
      const [ann] = emulator.seedMembers(1, { at: DAY_AGO });
      const oldId = md5(ann.email);
      const before = await readAll({ mode: 'full', cursor: null });
      expect(before.records.map((m) => m.id)).toEqual([oldId]);

      emulator.updateMember(oldId, { mergeFields: { FNAME: 'Annie' } });
      emulator.updateMember(oldId, { email: 'Ann.New@example.com' });
      await emulator.flushWebhooks();

      expect(receiver.rejected).toEqual([]);
      const newId = md5('ann.new@example.com');
      // The name's profile update; the address change, and the profile update that comes with it.
      expect(receiver.events.map((e) => [e.kind, e.externalId])).toEqual([
        ['fetch', oldId],
        ['delete', oldId],
        ['fetch', newId],
        ['fetch', newId],
      ]);
      const after = await readAll({ mode: 'full', cursor: null });
      expect(after.records.map((m) => m.id)).toEqual([newId]);
      // Fetched now, the old id is gone and the new member is whole: name, consent.
      const fetchIds = receiver.events.filter((e) => e.kind === 'fetch').map((e) => e.externalId);
      const fetched = await connector.fetch!(context(), fetchIds);
      expect(fetched.map((m) => connector.mapIn!(m))).toEqual([
        expect.objectContaining({
          externalId: newId,
          traits: expect.objectContaining({
            email: 'Ann.New@example.com',
            firstName: 'Annie',
            emailConsent: 'subscribed',
          }),
        }),
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('a webhook registered through the API delivers our own write back as a profile event', async () => {
    const receiver = await startReceiver(creds);
    try {
      // Mailchimp saves a webhook only if the URL answers its GET with 200.
      expect(
        (await registerWebhook(`${receiver.url}/webhooks/c1?token=not-the-token-000`)).status,
      ).toBe(400);
      expect((await registerWebhook(`${receiver.url}/webhooks/c1?token=${TOKEN}`)).status).toBe(
        200,
      );

      const [ann] = emulator.seedMembers(1, { at: DAY_AGO });
      await connector.write!(context(), [
        item(
          'p1',
          { email_address: ann.email, 'merge_fields.PHONE': '+15551230000' },
          {
            externalId: ann.id,
            changed: { 'merge_fields.PHONE': '+15551230000' },
          },
        ),
      ]);
      await emulator.flushWebhooks();

      expect(receiver.rejected).toEqual([]);
      expect(receiver.events).toHaveLength(1);
      const [echo] = receiver.events;
      expect(echo).toMatchObject({ kind: 'fetch', externalId: ann.id });
      const [member] = await connector.fetch!(context(), [echo.externalId]);
      expect(connector.mapIn!(member).traits.phone).toBe('+15551230000');
    } finally {
      await receiver.close();
    }
  });
});
