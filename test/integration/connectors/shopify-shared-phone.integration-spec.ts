/**
 * A profile whose phone another Shopify customer holds (a household sharing one phone):
 * Shopify keeps phones unique and refuses it, and everything else about the person must still
 * be written, the phone's holder left alone, and the refusal reported, through the real
 * runtime against the Shopify emulator; and, through the real pusher and PostgreSQL, the push
 * state must not count the phone as written.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { connector } from '../../../connectors/shopify';
import { creationTag } from '../../../connectors/shopify/creation-tag';
import type { ConnectorLogger, VendorFields, WriteItem } from '../../../src/connector-sdk';
import { ConnectorRegistry } from '../../../src/connector-registry/connector-registry';
import type { ConnectionsService } from '../../../src/connections/connections.service';
import { ErasePropagator } from '../../../src/outbound/erase-propagator.service';
import { ProfilePusher } from '../../../src/outbound/profile-pusher.service';
import { PushStateRepository } from '../../../src/outbound/push-state.repository';
import { ShopifyEmulator, type StoredCustomer } from '../../emulators/shopify';
import { silentLogger, useConnectorRuntime } from '../../support/connector-runtime-harness';
import { createTestEnvironment, type TestEnvironment } from '../../support/test-environment';

const API = '/admin/api/2024-10';
const SHARED_PHONE = '+16135550142';
/** Alice's own phone until the household's phone reaches her profile. */
const ALICE_OLD_PHONE = '+16135550177';
const TAKEN = { field: 'phone', reason: 'HTTP 422: phone has already been taken' };
const harness = useConnectorRuntime(connector);
let emulator: ShopifyEmulator;
/** Bob, who holds the household's phone in Shopify. */
let bob: StoredCustomer;
let bobBefore: StoredCustomer;
let warnings: { message: string; context?: Record<string, unknown> }[];

beforeEach(async () => {
  emulator = new ShopifyEmulator({ rateLimit: false });
  await emulator.start();
  bob = emulator.createCustomer({
    email: 'bob@example.com',
    first_name: 'Bob',
    phone: SHARED_PHONE,
  });
  bobBefore = structuredClone(bob);
  warnings = [];
});

afterEach(() => emulator.stop());

/** A fresh connection on the emulator whose warnings the test reads. */
function context() {
  const logger: ConnectorLogger = {
    ...silentLogger,
    warn: (message, details) => warnings.push({ message, context: details }),
  };
  return {
    ...harness.context({ baseUrl: emulator.apiBaseUrl() }, { accessToken: 'test-token' }),
    logger,
  };
}

const calls = () =>
  emulator.requests().map((r) => `${r.method} ${r.path.replace(API, '')} ${r.status}`);

const newPerson = (profileId: string, fields: VendorFields): WriteItem => ({
  profileId,
  fields,
  changed: fields,
});

/** The result of a write Shopify took without the phone. */
const writtenWithoutPhone = (profileId: string, customerId: number, reason = TAKEN.reason) => ({
  profileId,
  ok: true,
  externalId: String(customerId),
  skippedFields: [{ field: 'phone', reason }],
});

/** Alice, known in Shopify with a phone of her own. */
const knownAlice = (email: string) =>
  emulator.createCustomer({ email, first_name: 'Alice', phone: ALICE_OLD_PHONE });

function expectBobUntouched(): void {
  expect(emulator.store.get(bob.id)).toEqual(bobBefore);
}

/** The warning names the customer, the field and Shopify's reason, never the phone itself. */
function expectWarnedAbout(customerId: string, profileId: string, reason: string): void {
  expect(warnings).toEqual([
    {
      message: 'Shopify customer written without the fields Shopify refused',
      context: { customerId, profileId, skipped: [{ field: 'phone', reason }] },
    },
  ]);
  expect(JSON.stringify(warnings)).not.toContain(SHARED_PHONE.slice(2));
}

describe('Shopify write: a phone another customer holds', () => {
  it('an update writes the new email without the phone and says why', async () => {
    const alice = knownAlice('alice@old.example');
    const fields = { email: 'alice@new.example', first_name: 'Alice', phone: SHARED_PHONE };

    const [result] = await connector.write!(context(), [
      {
        profileId: 'p-alice',
        externalId: String(alice.id),
        fields,
        changed: { email: 'alice@new.example', phone: SHARED_PHONE },
      },
    ]);

    expect(result).toEqual(writtenWithoutPhone('p-alice', alice.id));
    expect(calls()).toEqual([
      `PUT /customers/${alice.id}.json 422`,
      `PUT /customers/${alice.id}.json 200`,
    ]);
    expect(emulator.requests()[1].body).toEqual({
      customer: { id: alice.id, email: 'alice@new.example' },
    });
    expect(emulator.store.get(alice.id)).toMatchObject({
      email: 'alice@new.example',
      phone: ALICE_OLD_PHONE,
    });
    expectBobUntouched();
    expectWarnedAbout(String(alice.id), 'p-alice', TAKEN.reason);
  });

  it('an update whose only change is the refused phone sends nothing else, and its address still goes', async () => {
    const alice = knownAlice('alice@example.com');
    const fields = {
      email: 'alice@example.com',
      phone: SHARED_PHONE,
      'default_address.city': 'Ottawa',
    };

    const [result] = await connector.write!(context(), [
      {
        profileId: 'p-alice',
        externalId: String(alice.id),
        fields,
        changed: { phone: SHARED_PHONE, 'default_address.city': 'Ottawa' },
      },
    ]);

    expect(result).toEqual(writtenWithoutPhone('p-alice', alice.id));
    expect(calls()).toEqual([
      `PUT /customers/${alice.id}.json 422`,
      `GET /customers/${alice.id}.json 200`,
      `POST /customers/${alice.id}/addresses.json 201`,
    ]);
    expect(emulator.store.get(alice.id)).toMatchObject({
      phone: ALICE_OLD_PHONE,
      default_address: { city: 'Ottawa' },
    });
    expectBobUntouched();
  });

  it('a create makes the person without the phone, never taking over its holder', async () => {
    const [result] = await connector.write!(context(), [
      newPerson('p-alice', {
        email: 'alice@example.com',
        first_name: 'Alice',
        phone: SHARED_PHONE,
        'default_address.city': 'Ottawa',
      }),
    ]);

    const alice = emulator.store.findByEmail('alice@example.com')!;
    expect(result).toEqual(writtenWithoutPhone('p-alice', alice.id));
    expect(calls()).toEqual(['POST /customers.json 422', 'POST /customers.json 201']);
    expect(emulator.requests()[1].body).toEqual({
      customer: {
        email: 'alice@example.com',
        first_name: 'Alice',
        addresses: [{ city: 'Ottawa', default: true }],
      },
    });
    expect(alice).toMatchObject({ first_name: 'Alice', default_address: { city: 'Ottawa' } });
    expect(alice.phone).toBeUndefined();
    expect(emulator.store.all()).toHaveLength(2);
    expectBobUntouched();
    expectWarnedAbout(String(alice.id), 'p-alice', TAKEN.reason);
  });

  it('a create for a profile with only a phone does not take over a holder with an email: it makes the person, tagged', async () => {
    const [result] = await connector.write!(context(), [
      newPerson('p-alice', { first_name: 'Alice', phone: SHARED_PHONE }),
    ]);

    const alice = emulator.store.all().find((customer) => customer.id !== bob.id)!;
    expect(result).toEqual(writtenWithoutPhone('p-alice', alice.id));
    // Left with nothing Shopify keeps unique, the person is created as one with neither.
    expect(calls()).toEqual([
      'POST /customers.json 422',
      'GET /customers/search.json 200',
      'GET /customers.json 200',
      'GET /customers/search.json 200',
      'POST /customers.json 201',
    ]);
    expect(alice).toMatchObject({ first_name: 'Alice', tags: creationTag('p-alice') });
    expect(alice.phone).toBeUndefined();
    expectBobUntouched();
  });

  it('a create for a profile with only a phone still takes the customer its earlier try made', async () => {
    emulator.loseAnswers({ method: 'POST', path: '/customers.json' });
    const fields = { first_name: 'Cy', phone: '+16135550101' };

    const [result] = await connector.write!(context(), [newPerson('p-cy', fields)]);

    const cy = emulator.store.findByPhone('+16135550101')!;
    expect(result).toEqual({ profileId: 'p-cy', ok: true, externalId: String(cy.id) });
    expect(calls()).toEqual([
      'POST /customers.json 504',
      'POST /customers.json 422',
      'GET /customers/search.json 200',
      `PUT /customers/${cy.id}.json 200`,
    ]);
    expect(emulator.store.all()).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('a phone Shopify finds invalid is left out the same way', async () => {
    const [result] = await connector.write!(context(), [
      newPerson('p-dan', { email: 'dan@example.com', first_name: 'Dan', phone: '12345' }),
    ]);

    const dan = emulator.store.findByEmail('dan@example.com')!;
    const reason = 'HTTP 422: phone is invalid';
    expect(result).toEqual(writtenWithoutPhone('p-dan', dan.id, reason));
    expect(dan).toMatchObject({ first_name: 'Dan' });
    expectWarnedAbout(String(dan.id), 'p-dan', reason);
  });

  it('a 422 with more than the phone to say still rejects the person', async () => {
    const [result] = await connector.write!(context(), [
      newPerson('p-eve', { email: 'not-an-email', phone: SHARED_PHONE }),
    ]);

    expect(result).toEqual({
      profileId: 'p-eve',
      ok: false,
      retryable: false,
      error: 'HTTP 422: email is invalid; phone has already been taken',
    });
    expect(calls()).toEqual(['POST /customers.json 422']);
    expect(emulator.store.all()).toHaveLength(1);
  });
});

describe('Shopify write: a phone another customer holds, through the pusher (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let db: DataSource | undefined;

  afterAll(async () => {
    await db?.destroy();
    await env?.teardown();
  });

  /** The real pusher on a Shopify connection (default mapping) whose context is the emulator's. */
  async function shopifyPusher(): Promise<{ pusher: ProfilePusher; connectionId: string }> {
    Logger.overrideLogger(false);
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    const [connection] = await env.sql<{ id: string }>(
      `INSERT INTO connection (connector, name, direction) VALUES ('shopify', 'shop', 'push')
       RETURNING id, connector, direction, enabled, mapping`,
    );
    const connections = {
      openIfExists: () => Promise.resolve({ connection, credentials: {} }),
      context: () => context(),
    } as unknown as ConnectionsService;
    const registry = new ConnectorRegistry([connector]);
    const states = new PushStateRepository(db);
    const eraser = new ErasePropagator(connections, registry, states);
    return {
      pusher: new ProfilePusher(connections, registry, states, eraser),
      connectionId: connection.id,
    };
  }

  const pushState = (profileId: string) =>
    env.sql<{ status: string; fields: VendorFields; error: string | null }>(
      `SELECT status, fields, error FROM push_state WHERE profile_id = $1`,
      [profileId],
    );

  it('does not record the refused phone as written, so a later push sends it again', async () => {
    const { pusher, connectionId } = await shopifyPusher();
    const profileId = randomUUID();
    await env.sql(`INSERT INTO profile (id, status, traits) VALUES ($1, 'active', $2)`, [
      profileId,
      { email: 'alice@example.com', firstName: 'Alice', phone: SHARED_PHONE },
    ]);

    const first = await pusher.push(connectionId, [profileId]);

    expect(first.get(profileId)).toEqual({
      kind: 'written',
      fields: ['email', 'first_name'],
      skipped: [TAKEN],
    });
    const alice = emulator.store.findByEmail('alice@example.com')!;
    expect(alice.phone).toBeUndefined();
    expectBobUntouched();
    expect(await pushState(profileId)).toEqual([
      {
        status: 'ok',
        fields: { email: 'alice@example.com', first_name: 'Alice' },
        error: `phone not written: ${TAKEN.reason}`,
      },
    ]);

    // Bob gives up the phone; the profile's next push (for any reason) brings it to Alice.
    emulator.updateCustomer(bob.id, { phone: null });
    emulator.clearRequests();
    const second = await pusher.push(connectionId, [profileId]);

    expect(second.get(profileId)).toEqual({ kind: 'written', fields: ['phone'] });
    expect(calls()).toEqual([`PUT /customers/${alice.id}.json 200`]);
    expect(emulator.store.get(alice.id)!.phone).toBe(SHARED_PHONE);
    expect(await pushState(profileId)).toEqual([
      {
        status: 'ok',
        fields: { email: 'alice@example.com', first_name: 'Alice', phone: SHARED_PHONE },
        error: null,
      },
    ]);
  });
});
