/**
 * The HubSpot connector's outbound side (write and erase) through the real runtime (HTTP
 * client, retries, Redis rate budget) against the HubSpot emulator on loopback.
 */
import { randomUUID } from 'node:crypto';
import {
  createHubspotConnector,
  type HubspotConfig,
  type HubspotCredentials,
} from '../../../connectors/hubspot';
import {
  HttpRequestError,
  RateLimitedError,
  type CanonicalTraits,
  type ConnectorContext,
  type WriteItem,
} from '../../../src/connector-sdk';
import { changedFields, mapTraits } from '../../../src/outbound/field-mapping';
import { HubspotEmulator, type HubspotEmulatorOptions } from '../../emulators/hubspot';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';

const CONTACTS = '/crm/v3/objects/contacts';
const UPSERT = `${CONTACTS}/batch/upsert`;
const UPDATE = `${CONTACTS}/batch/update`;
const GDPR_DELETE = `${CONTACTS}/gdpr-delete`;
const DAY_AGO = Date.now() - 24 * 60 * 60 * 1000;

const connector = createHubspotConnector();
const harness = useConnectorRuntime(connector);
const mapping = connector.manifest.defaultMapping!;

let emulator: HubspotEmulator;

async function startEmulator(options: HubspotEmulatorOptions = {}): Promise<void> {
  emulator = new HubspotEmulator({ rateLimit: false, searchRateLimit: false, ...options });
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(
  accessToken = 'test-token',
  config: Partial<HubspotConfig> = {},
): ConnectorContext<HubspotConfig, HubspotCredentials> {
  return harness.context({ baseUrl: emulator.baseUrl, ...config }, { accessToken });
}

const nia: CanonicalTraits = {
  email: 'nia@example.com',
  firstName: 'Nia',
  lastName: 'Okafor',
  phone: '+15550109999',
  company: 'Initech',
  jobTitle: 'CTO',
  address: { line1: '1 Main St', city: 'Lyon', region: 'ARA', postalCode: '69001', country: 'FR' },
};

/** What the runtime sends for a profile nobody has written yet: every mapped field. */
function newPerson(profileId: string, traits: CanonicalTraits): WriteItem {
  const fields = mapTraits(mapping, traits);
  return { profileId, fields, changed: fields };
}

const bodies = (path: string) =>
  emulator.requests({ method: 'POST', pathPrefix: path }).map((r) => r.body);

afterEach(() => emulator?.stop());

describe('HubSpot connector: write', () => {
  it('upserts people without a known id by email, creating or matching, in one batch', async () => {
    await startEmulator();
    const [existing] = emulator.seedContacts([{ email: 'Known@Example.com', firstname: 'Old' }], {
      at: DAY_AGO,
    });

    const results = await connector.write!(context(), [
      newPerson('p-1', nia),
      newPerson('p-2', { email: 'known@example.com', firstName: 'Kim', lastName: 'Lee' }),
    ]);

    const created = emulator.store.findByEmail('nia@example.com')!;
    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: created.id },
      { profileId: 'p-2', ok: true, externalId: existing.id },
    ]);
    expect(bodies(UPSERT)).toEqual([
      {
        inputs: [
          {
            idProperty: 'email',
            id: 'nia@example.com',
            objectWriteTraceId: 'p-1',
            properties: {
              firstname: 'Nia',
              lastname: 'Okafor',
              phone: '+15550109999',
              company: 'Initech',
              jobtitle: 'CTO',
              address: '1 Main St',
              city: 'Lyon',
              state: 'ARA',
              zip: '69001',
              country: 'FR',
            },
          },
          {
            idProperty: 'email',
            id: 'known@example.com',
            objectWriteTraceId: 'p-2',
            properties: { firstname: 'Kim', lastname: 'Lee' },
          },
        ],
      },
    ]);
    expect(emulator.requests()).toHaveLength(1);
    expect(created.properties).toMatchObject({ email: 'nia@example.com', country: 'FR' });
    expect(emulator.store.get(existing.id)!.properties).toMatchObject({
      email: 'Known@Example.com',
      firstname: 'Kim',
      lastname: 'Lee',
    });

    // Written again (a retry after a crash): the same contacts, no duplicates.
    await expect(connector.write!(context(), [newPerson('p-1', nia)])).resolves.toEqual([
      { profileId: 'p-1', ok: true, externalId: created.id },
    ]);
    expect(emulator.store.all()).toHaveLength(2);
  });

  it('updates known contacts by id with only the changed properties', async () => {
    await startEmulator();
    const [first] = await connector.write!(context(), [newPerson('p-1', nia)]);
    const id = first.externalId!;
    const before = emulator.store.get(id)!.updatedAt;
    emulator.clearRequests();

    const fields = mapTraits(mapping, { ...nia, phone: '+15550108888', jobTitle: null });
    const results = await connector.write!(context(), [
      { profileId: 'p-1', externalId: id, fields, changed: { phone: '+15550108888' } },
    ]);
    expect(results).toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    expect(emulator.requests().map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${UPDATE}`]);
    expect(bodies(UPDATE)).toEqual([
      { inputs: [{ id, objectWriteTraceId: 'p-1', properties: { phone: '+15550108888' } }] },
    ]);
    const contact = emulator.store.get(id)!;
    expect(contact.properties).toMatchObject({ phone: '+15550108888', jobtitle: 'CTO' });
    expect(contact.updatedAt).toBeGreaterThanOrEqual(before);

    // Nothing changed: nothing is sent.
    emulator.clearRequests();
    await expect(
      connector.write!(context(), [{ profileId: 'p-1', externalId: id, fields, changed: {} }]),
    ).resolves.toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    expect(emulator.requests()).toHaveLength(0);

    // Deleted in HubSpot since: the update finds nothing and the person is upserted by email.
    emulator.archiveContact(id);
    emulator.clearRequests();
    const [again] = await connector.write!(context(), [
      { profileId: 'p-1', externalId: id, fields, changed: { phone: '+15550107777' } },
    ]);
    expect(again.ok).toBe(true);
    expect(again.externalId).not.toBe(id);
    expect(emulator.requests().map((r) => `${r.path} ${r.status}`)).toEqual([
      `${UPDATE} 207`,
      `${UPSERT} 200`,
    ]);
    expect(emulator.store.get(again.externalId!)!.properties).toMatchObject({
      email: 'nia@example.com',
      phone: '+15550108888',
      firstname: 'Nia',
    });
  });

  it('a record HubSpot rejects fails alone; the rest of the batch is written (207)', async () => {
    await startEmulator();
    const [known] = emulator.seedContacts([{ email: 'known@example.com' }]);
    const results = await connector.write!(context(), [
      newPerson('p-1', { email: 'one@example.com', firstName: 'One' }),
      newPerson('p-2', { email: 'not-an-email', firstName: 'Two' }),
      newPerson('p-3', { email: 'three@example.com', firstName: 'Three' }),
      { profileId: 'p-4', externalId: known.id, fields: {}, changed: { email: 'bad@@example' } },
      newPerson('p-5', { phone: '+15550100005', firstName: 'No Email' }),
    ]);

    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: expect.stringMatching(/^\d+$/) },
      {
        profileId: 'p-2',
        ok: false,
        retryable: false,
        error: 'VALIDATION_ERROR: Email address not-an-email is invalid (INVALID_EMAIL)',
      },
      { profileId: 'p-3', ok: true, externalId: expect.stringMatching(/^\d+$/) },
      {
        profileId: 'p-4',
        ok: false,
        retryable: false,
        error: 'VALIDATION_ERROR: Email address bad@@example is invalid (INVALID_EMAIL)',
      },
      {
        profileId: 'p-5',
        ok: false,
        retryable: false,
        error: expect.stringMatching(/^HubSpot matches contacts by email/),
      },
    ]);
    expect(emulator.requests().map((r) => `${r.path} ${r.status}`)).toEqual([
      `${UPDATE} 207`,
      `${UPSERT} 207`,
    ]);
    expect(emulator.store.findByEmail('one@example.com')).toBeDefined();
    expect(emulator.store.findByEmail('three@example.com')).toBeDefined();
    expect(emulator.store.get(known.id)!.properties.email).toBe('known@example.com');
  });

  it('takes apart a batch HubSpot refuses as a whole, so the bad record still fails alone', async () => {
    await startEmulator({ multiStatus: false });
    const people = Array.from({ length: 8 }, (_, i) =>
      newPerson(`p-${i}`, { email: `person${i}@example.com`, lastName: `Last${i}` }),
    );
    people[5] = newPerson('p-5', { email: 'person5@example', lastName: 'Bad' });

    const results = await connector.write!(context(), people);

    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results[5]).toEqual({
      profileId: 'p-5',
      ok: false,
      retryable: false,
      error: 'HTTP 400 VALIDATION_ERROR: Email address person5@example is invalid (INVALID_EMAIL)',
    });
    // HubSpot quoted the bad address: one refusal, then the other seven in one batch.
    const calls = emulator.requests({ pathPrefix: UPSERT });
    expect(calls.map((r) => r.status)).toEqual([400, 200]);
    expect((calls[1].body as { inputs: unknown[] }).inputs).toHaveLength(7);
    expect(emulator.store.all()).toHaveLength(7);
  });

  it('halves a refused batch that names no input until the refused record stands alone', async () => {
    await startEmulator({ multiStatus: false });
    const contacts = emulator.seedContacts(
      Array.from({ length: 5 }, (_, i) => ({ email: `c${i}@example.com` })),
    );
    const update = (i: number, changed: Record<string, string>): WriteItem => ({
      profileId: `p-${i}`,
      externalId: contacts[i].id,
      fields: { email: `c${i}@example.com`, ...changed },
      changed,
    });
    // p-3 takes an email another contact holds: HubSpot answers 409 for the whole batch and
    // names only the holder.
    const results = await connector.write!(context(), [
      update(0, { firstname: 'Zero' }),
      update(1, { firstname: 'One' }),
      update(2, { firstname: 'Two' }),
      update(3, { email: 'c4@example.com' }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({
      retryable: false,
      error: `HTTP 409 CONFLICT: Contact already exists. Existing ID: ${contacts[4].id}`,
    });
    expect(emulator.requests({ pathPrefix: UPDATE }).map((r) => r.status)).toEqual([
      409, 200, 409, 200, 409,
    ]);
    expect(emulator.store.get(contacts[2].id)!.properties.firstname).toBe('Two');
    expect(emulator.store.get(contacts[3].id)!.properties.email).toBe('c3@example.com');
  });

  it('sends one contact named twice in a batch in two rounds', async () => {
    await startEmulator();
    const results = await connector.write!(context(), [
      newPerson('p-1', { email: 'twin@example.com', firstName: 'A' }),
      newPerson('p-2', { email: 'TWIN@example.com', lastName: 'B' }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[0].externalId).toBe(results[1].externalId);
    expect(bodies(UPSERT).map((b) => (b as { inputs: unknown[] }).inputs.length)).toEqual([1, 1]);
  });

  it('retries 429s (its own rolling window and an injected one); a persistent one or a bad token fails the call', async () => {
    await startEmulator({ rateLimit: { max: 1, intervalMs: 1000 } });
    // The connection's budget is set above the portal's, so HubSpot itself answers 429.
    const ctx = context('test-token', { requestsPer10Seconds: 1000 });
    const started = Date.now();
    const [one] = await connector.write!(ctx, [newPerson('p-1', nia)]);
    const [two] = await connector.write!(ctx, [
      newPerson('p-2', { email: 'two@example.com', firstName: 'Two' }),
    ]);
    expect([one.ok, two.ok]).toEqual([true, true]);
    const statuses = emulator.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(emulator.requests().some((r) => r.faulted)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    emulator.injectFault({
      status: 429,
      pathPrefix: UPSERT,
      times: 10,
      body: {
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: 'DAILY',
      },
    });
    const daily: unknown = await connector.write!(context(), [
      newPerson('p-3', { email: 'three@example.com' }),
    ]).catch((error: unknown) => error);
    expect(daily).toBeInstanceOf(RateLimitedError);
    emulator.clearFaults();

    const denied: unknown = await connector.write!(context('wrong-token'), [
      newPerson('p-4', { email: 'four@example.com' }),
    ]).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(HttpRequestError);
    expect((denied as HttpRequestError).status).toBe(401);
  });

  it('round trip: what we write reads back as the same canonical values, so its echo is no change', async () => {
    await startEmulator();
    const [stranger] = emulator.seedContacts(
      [{ email: 'stranger@example.com', firstname: 'S', country: 'France' }],
      { at: DAY_AGO },
    );
    const { cursor } = await readAllPages(connector, context(), { mode: 'full', cursor: null });

    const [written] = await connector.write!(context(), [newPerson('p-1', nia)]);

    // The next incremental read sees the write (lastmodifieddate moved).
    const { records } = await readAllPages(connector, context(), {
      mode: 'incremental',
      cursor,
    });
    expect(records.map((r) => r.id)).toEqual([written.externalId]);
    const mapped = connector.mapIn!(records[0]);
    expect(mapped.traits).toMatchObject(nia);
    // What the runtime compares: the vendor's record, mapped out again, against what we sent.
    const fields = mapTraits(mapping, nia);
    expect(changedFields(fields, mapTraits(mapping, mapped.traits))).toEqual({});

    // A country HubSpot holds as a name reads as the code we would write: nothing to send.
    const [readStranger] = await connector.fetch!(context(), [stranger.id]);
    const held = mapTraits(mapping, connector.mapIn!(readStranger).traits);
    expect(changedFields({ country: 'FR' }, held)).toEqual({});
  });
});

describe('HubSpot connector: erase', () => {
  it('GDPR-deletes by id, or by email when no id is known; a contact already gone is done', async () => {
    await startEmulator();
    const [byId, byEmail, archived] = emulator.seedContacts([
      { email: 'one@example.com' },
      { email: 'two@example.com' },
      { email: 'three@example.com' },
    ]);
    emulator.archiveContact(archived.id);

    const results = await connector.erase!(context(), [
      { profileId: 'p-1', externalId: byId.id, fields: { email: 'one@example.com' } },
      { profileId: 'p-2', fields: { email: 'two@example.com' } },
      { profileId: 'p-3', externalId: archived.id, fields: {} },
      { profileId: 'p-4', externalId: '999', fields: { email: 'gone@example.com' } },
      { profileId: 'p-5', fields: {} },
    ]);

    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: byId.id },
      { profileId: 'p-2', ok: true },
      { profileId: 'p-3', ok: true, externalId: archived.id },
      { profileId: 'p-4', ok: true, externalId: '999' },
      { profileId: 'p-5', ok: true },
    ]);
    expect(bodies(GDPR_DELETE)).toEqual([
      { objectId: byId.id },
      { objectId: 'two@example.com', idProperty: 'email' },
      { objectId: archived.id },
      { objectId: '999' },
    ]);
    expect(emulator.requests({ pathPrefix: GDPR_DELETE }).map((r) => r.status)).toEqual([
      204, 204, 204, 404,
    ]);
    // Permanently: not even among archived contacts.
    for (const contact of [byId, byEmail, archived]) {
      expect(emulator.store.get(contact.id)).toBeUndefined();
    }
    const { records } = await readAllPages(connector, context(), { mode: 'full', cursor: null });
    expect(records).toEqual([]);
    // The 404 by id did not fall back to the email (which HubSpot would blocklist).
    expect(emulator.store.gdprBlocklist.size).toBe(0);

    // By email, for someone HubSpot does not hold: HubSpot blocklists the address.
    await connector.erase!(context(), [
      { profileId: 'p-6', fields: { email: 'Never@Example.com' } },
    ]);
    expect([...emulator.store.gdprBlocklist]).toEqual(['never@example.com']);
  });
});
