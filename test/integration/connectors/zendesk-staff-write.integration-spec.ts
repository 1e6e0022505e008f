/**
 * The Zendesk connector writes no customer data into staff accounts (agents and admins) unless
 * `config.includeStaff`: through the real runtime against the emulator on loopback. A known
 * user is looked up (one `show_many` per batch) before an update; a create first searches for
 * the user `create_or_update` would land on, by email or by the `external_id` it sends.
 */
import { createZendeskConnector } from '../../../connectors/zendesk';
import type { WriteItem } from '../../../src/connector-sdk';
import type { RecordedRequest } from '../../emulators/common';
import { useZendeskEmulator } from './zendesk-emulator-harness';

const SHOW_MANY = '/api/v2/users/show_many.json';
const SEARCH = '/api/v2/users/search.json';
const UPSERT = '/api/v2/users/create_or_update.json';
const STAFF = 'Syncline does not write to staff (config.includeStaff is off)';

const connector = createZendeskConnector();
const zendesk = useZendeskEmulator(connector);
const { context } = zendesk;

const write = (items: WriteItem[], config?: { includeStaff?: boolean }) =>
  connector.write!(context(config), items);

/** Requests that change something at Zendesk. */
const writesTo = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

describe('Zendesk update of a user who is staff now', () => {
  it('refuses the agent and the admin, writes the customer beside them, after one lookup', async () => {
    const [ann, bo] = zendesk.emulator.seedUsers([
      { name: 'Ann Lee', email: 'ann@shop.dev' },
      { name: 'Bo Chen', email: 'bo@shop.dev', phone: '+15550100002' },
    ]);
    // Bo was a customer when Syncline created him; he has joined the support team since.
    zendesk.emulator.updateUser(bo.id, { role: 'agent' });
    const owner = zendesk.emulator.owner;
    zendesk.emulator.clearRequests();

    const results = await write([
      {
        profileId: 'p-ann',
        externalId: String(ann.id),
        fields: { email: 'ann@shop.dev', first_name: 'Ann', last_name: 'Lee-Smith' },
        changed: { last_name: 'Lee-Smith' },
      },
      {
        profileId: 'p-bo',
        externalId: String(bo.id),
        fields: { email: 'bo@shop.dev', phone: '+15550100099', 'user_fields.company': 'Initech' },
        changed: { phone: '+15550100099', 'user_fields.company': 'Initech' },
      },
      {
        profileId: 'p-owner',
        externalId: String(owner.id),
        fields: { email: 'owner@home.dev', first_name: 'Olga' },
        changed: { email: 'owner@home.dev', first_name: 'Olga' },
      },
    ]);

    expect(results).toEqual([
      { profileId: 'p-ann', ok: true, externalId: String(ann.id) },
      {
        profileId: 'p-bo',
        ok: false,
        retryable: false,
        error: `Zendesk user ${bo.id} is an agent; ${STAFF}`,
      },
      {
        profileId: 'p-owner',
        ok: false,
        retryable: false,
        error: `Zendesk user ${owner.id} is an admin; ${STAFF}`,
      },
    ]);
    expect(zendesk.emulator.store.get(ann.id)!.name).toBe('Ann Lee-Smith');
    expect(zendesk.emulator.store.get(bo.id)).toMatchObject({
      phone: '+15550100002',
      user_fields: { company: null },
    });
    expect(zendesk.emulator.store.get(owner.id)).toMatchObject({
      name: 'Account Owner',
      email: 'admin@example.com',
    });
    expect(zendesk.emulator.store.identities(owner.id)).toHaveLength(1);
    const requests = zendesk.emulator.requests();
    expect(requests.filter((r) => r.path === SHOW_MANY).map((r) => r.query.ids)).toEqual([
      [ann.id, bo.id, owner.id].join(','),
    ]);
    expect(writesTo(requests).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /api/v2/users/${ann.id}.json`,
    ]);
  });

  it('with includeStaff, writes to them as before, without the lookup', async () => {
    const [bo] = zendesk.emulator.seedUsers([
      { name: 'Bo Chen', email: 'bo@shop.dev', role: 'agent' },
    ]);
    const change: WriteItem = {
      profileId: 'p-bo',
      externalId: String(bo.id),
      fields: { email: 'bo@shop.dev', phone: '+15550100099' },
      changed: { phone: '+15550100099' },
    };

    const [refused] = await write([change]);
    expect(refused.ok).toBe(false);
    expect(zendesk.emulator.store.get(bo.id)!.phone).toBeNull();
    zendesk.emulator.clearRequests();

    await expect(write([change], { includeStaff: true })).resolves.toEqual([
      { profileId: 'p-bo', ok: true, externalId: String(bo.id) },
    ]);
    expect(zendesk.emulator.store.get(bo.id)!.phone).toBe('+15550100099');
    expect(zendesk.emulator.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /api/v2/users/${bo.id}.json`,
    ]);
  });
});

describe('Zendesk create that create_or_update would land on staff', () => {
  const person = (profileId: string, email: string, firstName: string): WriteItem => {
    const fields = {
      email,
      first_name: firstName,
      phone: '+15550100042',
      'user_fields.company': 'Acme',
    };
    return { profileId, fields, changed: fields };
  };

  it("writes neither the owner's account nor an agent's holding the email as a second address", async () => {
    const owner = zendesk.emulator.owner;
    const agent = zendesk.emulator.createUser({
      name: 'Agent Smith',
      email: 'agent.smith@helpdesk.dev',
      role: 'agent',
    });
    zendesk.emulator.store.addEmailIdentity(agent.id, 'smith.private@mail.dev');
    const [cara] = zendesk.emulator.seedUsers([{ name: 'Cara Customer', email: 'cara@shop.dev' }]);
    zendesk.emulator.clearRequests();

    const results = await write([
      person('p-owner', 'ADMIN@example.com', 'Olga'),
      person('p-smith', 'smith.private@mail.dev', 'Sam'),
      person('p-cara', 'cara@shop.dev', 'Cara'),
      person('p-nia', 'nia@shop.dev', 'Nia'),
    ]);

    const nia = zendesk.emulator.store.findByEmail('nia@shop.dev')!;
    expect(results).toEqual([
      {
        profileId: 'p-owner',
        ok: false,
        retryable: false,
        error: `Zendesk user ${owner.id}, an admin, has this profile's email; ${STAFF}`,
      },
      {
        profileId: 'p-smith',
        ok: false,
        retryable: false,
        error: `Zendesk user ${agent.id}, an agent, has this profile's email among their addresses; ${STAFF}`,
      },
      { profileId: 'p-cara', ok: true, externalId: String(cara.id) },
      { profileId: 'p-nia', ok: true, externalId: String(nia.id) },
    ]);
    for (const [staff, name] of [
      [owner, 'Account Owner'],
      [agent, 'Agent Smith'],
    ] as const) {
      expect(zendesk.emulator.store.get(staff.id)).toMatchObject({
        name,
        phone: null,
        user_fields: { company: null },
      });
    }
    expect(zendesk.emulator.store.get(cara.id)).toMatchObject({
      name: 'Cara',
      phone: '+15550100042',
    });
    const upserted = zendesk.emulator
      .requests({ pathPrefix: UPSERT })
      .map((r) => (r.body as { user: { email: string } }).user.email)
      .sort();
    expect(upserted).toEqual(['cara@shop.dev', 'nia@shop.dev']);
    expect(writesTo(zendesk.emulator.requests())).toHaveLength(2);
    // One search per create; the identities of a staff member found only when it decides.
    expect(zendesk.emulator.requests({ pathPrefix: SEARCH })).toHaveLength(4);
    expect(
      zendesk.emulator
        .requests()
        .filter((r) => r.path.endsWith('/identities.json'))
        .map((r) => r.path),
    ).toEqual([`/api/v2/users/${agent.id}/identities.json`]);
  });

  it('does not write a person without an email to the staff member carrying their profile id', async () => {
    // Created by Syncline without an email (external_id = the profile id), made an agent since,
    // and the id Syncline kept lost (a crash between the write and saving its result).
    const agent = zendesk.emulator.createUser({
      name: 'Cy Park',
      email: 'cy@helpdesk.dev',
      external_id: 'p-cy',
      role: 'agent',
    });
    const fields = { phone: '+15550100001', first_name: 'Cy', last_name: 'Parker' };

    const [result] = await write([{ profileId: 'p-cy', fields, changed: fields }]);

    expect(result).toEqual({
      profileId: 'p-cy',
      ok: false,
      retryable: false,
      error: `Zendesk user ${agent.id}, an agent, has this profile's id as its external_id; ${STAFF}`,
    });
    expect(zendesk.emulator.store.get(agent.id)).toMatchObject({ name: 'Cy Park', phone: null });
    expect(zendesk.emulator.requests({ pathPrefix: UPSERT })).toHaveLength(0);
  });
});
