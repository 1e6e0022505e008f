/**
 * The Shopify connector's outbound side (write and erase) through the real runtime (HTTP
 * client, retries, Redis rate budget) against the Shopify emulator on loopback.
 */
import {
  connector,
  type ShopifyConfig,
  type ShopifyCredentials,
} from '../../../connectors/shopify';
import {
  HttpRequestError,
  RateLimitedError,
  type CanonicalTraits,
  type ConnectorContext,
  type WriteItem,
} from '../../../src/connector-sdk';
import { changedFields, mapTraits } from '../../../src/outbound/field-mapping';
import { creationTag } from '../../../connectors/shopify/creation-tag';
import { RECENTLY_CREATED_MS } from '../../../connectors/shopify/find-customer';
import {
  addressId,
  ShopifyEmulator,
  toWire,
  type ShopifyEmulatorOptions,
} from '../../emulators/shopify';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';

const API = '/admin/api/2024-10';
const DAY_AGO = Date.now() - 24 * 60 * 60 * 1000;
const harness = useConnectorRuntime(connector);
const mapping = connector.manifest.defaultMapping!;

let emulator: ShopifyEmulator;

async function startEmulator(options: ShopifyEmulatorOptions = {}): Promise<void> {
  emulator = new ShopifyEmulator({ rateLimit: false, ...options });
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(accessToken = 'test-token'): ConnectorContext<ShopifyConfig, ShopifyCredentials> {
  return harness.context({ baseUrl: emulator.apiBaseUrl() }, { accessToken });
}

const nia: CanonicalTraits = {
  email: 'nia@example.com',
  firstName: 'Nia',
  lastName: 'Okafor',
  phone: '+16135550199',
  company: 'Initech',
  address: {
    line1: '1 Main St',
    line2: 'Suite 4',
    city: 'Ottawa',
    region: 'ON',
    postalCode: 'K1A 0B1',
    country: 'CA',
  },
};

/** What the runtime sends for a profile nobody has written yet: every mapped field. */
function newPerson(profileId: string, traits: CanonicalTraits): WriteItem {
  const fields = mapTraits(mapping, traits);
  return { profileId, fields, changed: fields };
}

const calls = () =>
  emulator.requests().map((r) => `${r.method} ${r.path.replace(API, '')} ${r.status}`);

afterEach(() => emulator?.stop());

describe('Shopify connector: write', () => {
  it('creates unknown customers with every mapped field and the default address', async () => {
    await startEmulator();
    const [result] = await connector.write!(context(), [newPerson('p-1', nia)]);

    const created = emulator.store.findByEmail('nia@example.com')!;
    expect(result).toEqual({ profileId: 'p-1', ok: true, externalId: String(created.id) });
    expect(calls()).toEqual(['POST /customers.json 201']);
    expect(emulator.requests()[0].body).toEqual({
      customer: {
        email: 'nia@example.com',
        phone: '+16135550199',
        first_name: 'Nia',
        last_name: 'Okafor',
        addresses: [
          {
            company: 'Initech',
            address1: '1 Main St',
            address2: 'Suite 4',
            city: 'Ottawa',
            province_code: 'ON',
            zip: 'K1A 0B1',
            country_code: 'CA',
            default: true,
          },
        ],
      },
    });
    expect(created).toMatchObject({
      first_name: 'Nia',
      default_address: {
        city: 'Ottawa',
        country_code: 'CA',
        country: 'Canada',
        company: 'Initech',
      },
    });
  });

  it('a create that finds the email taken updates that customer instead: a retry never duplicates', async () => {
    await startEmulator();
    const [existing] = emulator.seedCustomers(
      [{ email: 'Nia@Example.com', first_name: 'Old', state: 'enabled' }],
      { at: DAY_AGO },
    );

    const [result] = await connector.write!(context(), [newPerson('p-1', nia)]);

    expect(result).toEqual({ profileId: 'p-1', ok: true, externalId: String(existing.id) });
    expect(calls()).toEqual([
      'POST /customers.json 422',
      'GET /customers/search.json 200',
      `PUT /customers/${existing.id}.json 200`,
      `POST /customers/${existing.id}/addresses.json 201`,
    ]);
    expect(emulator.requests()[0].body).toMatchObject({ customer: { email: 'nia@example.com' } });
    expect(emulator.requests()[1].query).toEqual({ query: 'email:nia@example.com' });
    expect(emulator.requests()[2].body).toEqual({
      customer: {
        id: existing.id,
        email: 'nia@example.com',
        phone: '+16135550199',
        first_name: 'Nia',
        last_name: 'Okafor',
      },
    });
    expect(emulator.store.all()).toHaveLength(1);
    expect(emulator.store.get(existing.id)).toMatchObject({
      first_name: 'Nia',
      default_address: { address1: '1 Main St', province_code: 'ON' },
    });
  });

  it('updates a known customer with only the changed fields, the address through its resource', async () => {
    await startEmulator();
    const [first] = await connector.write!(context(), [newPerson('p-1', nia)]);
    const id = first.externalId!;
    const before = emulator.store.get(Number(id))!.updatedAt;
    emulator.clearRequests();

    const moved = { ...nia, phone: '+16135550100', address: { ...nia.address, city: 'Toronto' } };
    const fields = mapTraits(mapping, moved);
    const results = await connector.write!(context(), [
      {
        profileId: 'p-1',
        externalId: id,
        fields,
        changed: { phone: '+16135550100', 'default_address.city': 'Toronto' },
      },
    ]);

    expect(results).toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    expect(calls()).toEqual([
      `PUT /customers/${id}.json 200`,
      `PUT /customers/${id}/addresses/${addressId(Number(id))}.json 200`,
    ]);
    expect(emulator.requests().map((r) => r.body)).toEqual([
      { customer: { id: Number(id), phone: '+16135550100' } },
      { address: { city: 'Toronto' } },
    ]);
    const customer = emulator.store.get(Number(id))!;
    expect(customer).toMatchObject({
      phone: '+16135550100',
      first_name: 'Nia',
      default_address: { city: 'Toronto', address1: '1 Main St' },
    });
    expect(customer.updatedAt).toBeGreaterThanOrEqual(before);

    // An address change alone reads the customer for its address id first.
    emulator.clearRequests();
    await connector.write!(context(), [
      { profileId: 'p-1', externalId: id, fields, changed: { 'default_address.zip': 'M5V 1J1' } },
    ]);
    expect(calls()).toEqual([
      `GET /customers/${id}.json 200`,
      `PUT /customers/${id}/addresses/${addressId(Number(id))}.json 200`,
    ]);

    // Nothing changed: nothing is sent.
    emulator.clearRequests();
    await expect(
      connector.write!(context(), [{ profileId: 'p-1', externalId: id, fields, changed: {} }]),
    ).resolves.toEqual([{ profileId: 'p-1', ok: true, externalId: id }]);
    expect(emulator.requests()).toHaveLength(0);

    // Deleted in Shopify since: the update answers 404 and the customer is created again.
    emulator.deleteCustomer(Number(id));
    emulator.clearRequests();
    const [again] = await connector.write!(context(), [
      { profileId: 'p-1', externalId: id, fields, changed: { phone: '+16135550111' } },
    ]);
    expect(again.ok).toBe(true);
    expect(again.externalId).not.toBe(id);
    expect(calls()).toEqual([`PUT /customers/${id}.json 404`, 'POST /customers.json 201']);
    expect(emulator.store.get(Number(again.externalId))).toMatchObject({
      email: 'nia@example.com',
      default_address: { city: 'Toronto' },
    });
  });

  it('a customer Shopify rejects fails alone; the others are written', async () => {
    await startEmulator();
    emulator.seedCustomers([{ email: 'holder@example.com', phone: '+16135550000' }]);
    const results = await connector.write!(context(), [
      newPerson('p-1', { email: 'one@example.com', firstName: 'One' }),
      newPerson('p-2', { email: 'not-an-email', firstName: 'Two' }),
      newPerson('p-3', { email: 'three@example.com', phone: '+16135550000' }),
      newPerson('p-4', { email: 'four@example.com', address: { country: 'XX' } }),
      newPerson('p-5', { email: 'five@example.com', lastName: 'Five' }),
    ]);
    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: expect.stringMatching(/^\d+$/) },
      { profileId: 'p-2', ok: false, retryable: false, error: 'HTTP 422: email is invalid' },
      // Only its phone refused (another customer holds it): written without it.
      {
        profileId: 'p-3',
        ok: true,
        externalId: expect.stringMatching(/^\d+$/),
        skippedFields: [{ field: 'phone', reason: 'HTTP 422: phone has already been taken' }],
      },
      {
        profileId: 'p-4',
        ok: false,
        retryable: false,
        error: 'HTTP 422: addresses country is not a valid country',
      },
      { profileId: 'p-5', ok: true, externalId: expect.stringMatching(/^\d+$/) },
    ]);
    expect(emulator.store.all().map((c) => c.email)).toEqual([
      'holder@example.com',
      'one@example.com',
      'three@example.com',
      'five@example.com',
    ]);
  });

  it("waits out the leaky bucket's 429 (Retry-After in seconds); a persistent one or a missing scope fails the call", async () => {
    // A bucket of 1 draining 0.5/s: tighter than the connector's 2/s, so the shop answers 429.
    await startEmulator({ rateLimit: { bucketSize: 1, leakPerSecond: 0.5 } });
    const started = Date.now();
    const results = await connector.write!(context(), [
      newPerson('p-1', { email: 'one@example.com' }),
      newPerson('p-2', { email: 'two@example.com' }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const statuses = emulator.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(emulator.requests().some((r) => r.faulted)).toBe(false);
    // Retry-After: 2.0 is seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await emulator.stop();

    await startEmulator();
    emulator.injectFault({
      status: 429,
      pathPrefix: `${API}/customers.json`,
      headers: { 'retry-after': '0.0' },
      times: 10,
    });
    const limited: unknown = await connector.write!(context(), [
      newPerson('p-3', { email: 'three@example.com' }),
    ]).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitedError);
    await emulator.stop();

    await startEmulator({ grantedScopes: ['read_customers'] });
    const denied: unknown = await connector.write!(context(), [
      newPerson('p-4', { email: 'four@example.com' }),
    ]).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(HttpRequestError);
    expect((denied as HttpRequestError).status).toBe(403);
  });

  it('round trip: what we write reads back as the same canonical values, so its echo is no change', async () => {
    await startEmulator();
    emulator.seedCustomers(3, { at: DAY_AGO });
    const { cursor } = await readAllPages(connector, context(), { mode: 'full', cursor: null });

    const named = { ...nia, address: { ...nia.address, region: 'Ontario' } };
    const [written] = await connector.write!(context(), [newPerson('p-1', named)]);

    // The next incremental read sees the write (updated_at moved).
    const { records } = await readAllPages(connector, context(), {
      mode: 'incremental',
      cursor,
    });
    expect(records.map((r) => String(r.id))).toEqual([written.externalId]);
    const mapped = connector.mapIn!(records[0]);
    expect(mapped.traits).toMatchObject(named);
    expect(changedFields(mapTraits(mapping, named), mapTraits(mapping, mapped.traits))).toEqual({});
  });
});

describe('Shopify connector: write, a customer with neither email nor phone', () => {
  const ann: CanonicalTraits = { firstName: 'Ann', lastName: 'Lee' };
  const tag = creationTag('p-ann');

  it('is created with its creation tag once none is found; a create with an email or phone looks for none', async () => {
    await startEmulator();
    const started = Date.now();
    const [result] = await connector.write!(context(), [newPerson('p-ann', ann)]);
    const finished = Date.now();

    const [created] = emulator.store.all();
    expect(result).toEqual({ profileId: 'p-ann', ok: true, externalId: String(created.id) });
    expect(tag).toMatch(/^syncline-[0-9a-f]{16}$/);
    expect(created).toMatchObject({ first_name: 'Ann', last_name: 'Lee', tags: tag });
    expect(calls()).toEqual([
      'GET /customers.json 200',
      'GET /customers/search.json 200',
      'POST /customers.json 201',
    ]);
    const [list, search, create] = emulator.requests();
    expect(list.query).toEqual({
      created_at_min: expect.any(String),
      limit: '250',
      fields: 'id,admin_graphql_api_id,tags,default_address',
    });
    const since = Date.parse(list.query.created_at_min as string);
    expect(since).toBeGreaterThanOrEqual(started - RECENTLY_CREATED_MS);
    expect(since).toBeLessThanOrEqual(finished - RECENTLY_CREATED_MS);
    expect(search.query).toEqual({
      query: `tag:${tag}`,
      fields: 'id,admin_graphql_api_id,tags,default_address',
    });
    expect(create.body).toEqual({ customer: { first_name: 'Ann', last_name: 'Lee', tags: tag } });

    // Read back, the tag is not the merchant's: no tags reach the profile.
    expect(connector.mapIn!(toWire(created)).traits.tags).toEqual([]);

    emulator.clearRequests();
    await connector.write!(context(), [
      newPerson('p-ben', { firstName: 'Ben', phone: '+16135550123' }),
    ]);
    expect(calls()).toEqual(['POST /customers.json 201']);
    expect(emulator.requests()[0].body).toEqual({
      customer: { phone: '+16135550123', first_name: 'Ben' },
    });
  });

  it('a create whose answer was lost is not sent again; the retry finds the customer by its tag and updates it', async () => {
    await startEmulator();
    emulator.loseAnswers({ method: 'POST', path: '/customers.json' });

    const [lost] = await connector.write!(context(), [newPerson('p-ann', ann)]);

    expect(emulator.store.all()).toHaveLength(1);
    expect(lost).toEqual({
      profileId: 'p-ann',
      ok: false,
      retryable: true,
      error: expect.stringContaining(`looks for a customer tagged ${tag}`),
    });
    expect(calls()).toEqual([
      'GET /customers.json 200',
      'GET /customers/search.json 200',
      'POST /customers.json 504',
    ]);

    // The push job's retry, with the name changed meanwhile.
    emulator.clearRequests();
    const [retried] = await connector.write!(context(), [
      newPerson('p-ann', { ...ann, lastName: 'Lee-Okafor' }),
    ]);

    const [customer] = emulator.store.all();
    expect(emulator.store.all()).toHaveLength(1);
    expect(retried).toEqual({ profileId: 'p-ann', ok: true, externalId: String(customer.id) });
    expect(customer).toMatchObject({ first_name: 'Ann', last_name: 'Lee-Okafor', tags: tag });
    expect(calls()).toEqual(['GET /customers.json 200', `PUT /customers/${customer.id}.json 200`]);
  });

  it('an erase before the retry finds the customer made by the lost create, by its tag', async () => {
    await startEmulator();
    emulator.loseAnswers({ method: 'POST', path: '/customers.json' });
    await connector.write!(context(), [newPerson('p-ann', ann)]);
    const [orphan] = emulator.store.all();

    // No id was ever recorded for the person, and they have no email.
    const [erased] = await connector.erase!(context(), [{ profileId: 'p-ann', fields: {} }]);

    expect(erased).toEqual({ profileId: 'p-ann', ok: true, externalId: String(orphan.id) });
    expect(emulator.store.all()).toEqual([]);
  });

  it('finds the customer among those created lately while search does not return it yet, and by search once older', async () => {
    await startEmulator({ searchIndexLagMs: 60_000 });
    emulator.loseAnswers({ method: 'POST', path: '/customers.json' });
    await connector.write!(context(), [newPerson('p-ann', ann)]);
    const [created] = emulator.store.all();

    emulator.clearRequests();
    const [retried] = await connector.write!(context(), [newPerson('p-ann', ann)]);

    expect(retried).toEqual({ profileId: 'p-ann', ok: true, externalId: String(created.id) });
    expect(emulator.store.all()).toHaveLength(1);
    expect(calls()).toEqual(['GET /customers.json 200', `PUT /customers/${created.id}.json 200`]);
    const unindexed = await context().http.request<{ customers: unknown[] }>({
      path: '/customers/search.json',
      query: { query: `tag:${tag}` },
    });
    expect(unindexed.data.customers).toEqual([]);
    await emulator.stop();

    // Created long ago (a retry replayed from the dead letters): beyond the list, found by search.
    await startEmulator();
    const [old] = emulator.seedCustomers([{ first_name: 'Ann', tags: `vip, ${tag}` }], {
      at: DAY_AGO,
    });
    const [replayed] = await connector.write!(context(), [newPerson('p-ann', ann)]);
    expect(replayed).toEqual({ profileId: 'p-ann', ok: true, externalId: String(old.id) });
    expect(calls()).toEqual([
      'GET /customers.json 200',
      'GET /customers/search.json 200',
      `PUT /customers/${old.id}.json 200`,
    ]);
    expect(emulator.store.all()).toHaveLength(1);
    expect(emulator.store.get(old.id)).toMatchObject({ last_name: 'Lee', tags: `vip, ${tag}` });
  });

  it('mapped tags carry the creation tag on the create and keep it on the customer found', async () => {
    await startEmulator();
    const fields = { first_name: 'Ann', tags: ['vip'] };
    const [created] = await connector.write!(context(), [
      { profileId: 'p-ann', fields, changed: fields },
    ]);
    const customer = emulator.store.get(Number(created.externalId))!;
    expect(customer.tags).toBe(`vip, ${tag}`);
    expect(connector.mapIn!(toWire(customer)).traits.tags).toEqual(['vip']);

    // Found again (its id not recorded): the mapped tags replace the customer's, the tag stays.
    emulator.clearRequests();
    const moved = { first_name: 'Ann', tags: ['gold'] };
    await connector.write!(context(), [{ profileId: 'p-ann', fields: moved, changed: moved }]);
    expect(emulator.requests()[1].body).toEqual({
      customer: { id: customer.id, first_name: 'Ann', tags: `gold, ${tag}` },
    });
    expect(emulator.store.all()).toHaveLength(1);
    expect(emulator.store.get(customer.id)!.tags).toBe(`gold, ${tag}`);
  });

  it('a customer with an email: a lost answer is sent again at once, as Shopify keeps emails unique', async () => {
    await startEmulator();
    emulator.loseAnswers({ method: 'POST', path: '/customers.json' });

    const [result] = await connector.write!(context(), [
      newPerson('p-1', { email: 'nia@example.com', firstName: 'Nia' }),
    ]);

    const [customer] = emulator.store.all();
    expect(emulator.store.all()).toHaveLength(1);
    expect(result).toEqual({ profileId: 'p-1', ok: true, externalId: String(customer.id) });
    expect(calls()).toEqual([
      'POST /customers.json 504',
      'POST /customers.json 422',
      'GET /customers/search.json 200',
      `PUT /customers/${customer.id}.json 200`,
    ]);
    expect(customer.tags).toBe('');
  });
});

describe('Shopify connector: erase', () => {
  it('deletes by id or by the email; a customer already gone is done', async () => {
    await startEmulator();
    const [byId, byEmail] = emulator.seedCustomers([
      { email: 'one@example.com' },
      { email: 'two@example.com' },
    ]);

    const results = await connector.erase!(context(), [
      { profileId: 'p-1', externalId: String(byId.id), fields: { email: 'one@example.com' } },
      { profileId: 'p-2', fields: { email: 'TWO@example.com' } },
      { profileId: 'p-3', externalId: String(byId.id), fields: {} },
      { profileId: 'p-4', fields: { email: 'nobody@example.com' } },
    ]);

    expect(results).toEqual([
      { profileId: 'p-1', ok: true, externalId: String(byId.id) },
      { profileId: 'p-2', ok: true, externalId: String(byEmail.id) },
      { profileId: 'p-3', ok: true, externalId: String(byId.id) },
      { profileId: 'p-4', ok: true },
    ]);
    expect(calls()).toEqual([
      `DELETE /customers/${byId.id}.json 200`,
      'GET /customers/search.json 200',
      `DELETE /customers/${byEmail.id}.json 200`,
      `DELETE /customers/${byId.id}.json 404`,
      'GET /customers/search.json 200',
    ]);
    expect(emulator.store.all()).toEqual([]);
  });

  it("requests a data erasure for a customer with orders, and explains a token that can't", async () => {
    await startEmulator();
    const [buyer] = emulator.seedCustomers([{ email: 'buyer@example.com', orders_count: 2 }]);

    const [erased] = await connector.erase!(context(), [
      { profileId: 'p-1', externalId: String(buyer.id), fields: {} },
    ]);
    expect(erased).toEqual({ profileId: 'p-1', ok: true, externalId: String(buyer.id) });
    expect(calls()).toEqual([`DELETE /customers/${buyer.id}.json 422`, 'POST /graphql.json 200']);
    expect(emulator.requests()[1].body).toEqual({
      query: expect.stringContaining('customerRequestDataErasure(customerId: $customerId)'),
      variables: { customerId: `gid://shopify/Customer/${buyer.id}` },
    });
    expect(emulator.store.get(buyer.id)!.dataErasureRequestedAt).toEqual(expect.any(Number));
    await emulator.stop();

    await startEmulator({ grantedScopes: ['read_customers', 'write_customers'] });
    const [other] = emulator.seedCustomers([{ email: 'buyer@example.com', orders_count: 1 }]);
    const [refused] = await connector.erase!(context(), [
      { profileId: 'p-2', externalId: String(other.id), fields: {} },
    ]);
    expect(refused).toEqual({
      profileId: 'p-2',
      ok: false,
      retryable: false,
      externalId: String(other.id),
      error: expect.stringMatching(
        /^Shopify refused to delete customer \d+ \(HTTP 422: .*\), as it does for customers with orders, and refused the data erasure request \(the token needs write_customer_data_erasure\): Access denied for customerRequestDataErasure/,
      ),
    });
    expect(emulator.store.get(other.id)).toBeDefined();
  });
});
