/**
 * Outbound identity fields of the Zendesk connector against the emulator. Zendesk's user
 * update only *adds* an email ("writeable on create only. On update, a secondary email is
 * added"), and `create_or_update` writes the `external_id` it is given onto the user it
 * matches by email. An email change must reach the primary address, and a create that lands
 * on an existing user must not replace that user's own external id.
 */
import { createZendeskConnector, type ZendeskUser } from '../../../connectors/zendesk';
import type { WriteItem } from '../../../src/connector-sdk';
import { useZendeskEmulator } from './zendesk-emulator-harness';

const connector = createZendeskConnector();
const zendesk = useZendeskEmulator(connector);
const { context } = zendesk;

const fields = { email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' };

/** What a read brings back for the user, mapped: what the profile store will see. */
async function readBack(id: string) {
  const [user] = (await connector.fetch!(context(), [id])) as ZendeskUser[];
  return connector.mapIn!(user).traits;
}

describe('Zendesk email change of a known user', () => {
  it('makes the new address the primary email, so a read brings the new one back', async () => {
    const ann = zendesk.emulator.createUser({ name: 'Ann Lee', email: 'ann@example.com' });
    const item: WriteItem = {
      profileId: 'p-ann',
      externalId: String(ann.id),
      fields: { ...fields, email: 'ann.lee@example.com', last_name: 'Lee-Smith' },
      changed: { email: 'ann.lee@example.com', last_name: 'Lee-Smith' },
    };

    const [result] = await connector.write!(context(), [item]);

    expect(result).toEqual({ profileId: 'p-ann', ok: true, externalId: String(ann.id) });
    expect(await readBack(String(ann.id))).toMatchObject({
      email: 'ann.lee@example.com',
      lastName: 'Lee-Smith',
    });
    expect(zendesk.emulator.store.findByEmail('ann@example.com')).toBeUndefined();
  });

  it('promotes the address when the user already has it as a secondary email', async () => {
    const ann = zendesk.emulator.createUser({ name: 'Ann Lee', email: 'ann@example.com' });
    zendesk.emulator.store.addEmailIdentity(ann.id, 'ann.lee@example.com');

    const [result] = await connector.write!(context(), [
      {
        profileId: 'p-ann',
        externalId: String(ann.id),
        fields: { ...fields, email: 'ann.lee@example.com' },
        changed: { email: 'ann.lee@example.com' },
      },
    ]);

    expect(result.ok).toBe(true);
    expect(await readBack(String(ann.id))).toMatchObject({ email: 'ann.lee@example.com' });
  });

  it('fails the one user whose new address another user holds', async () => {
    const ann = zendesk.emulator.createUser({ name: 'Ann Lee', email: 'ann@example.com' });
    zendesk.emulator.createUser({ name: 'Bo Chen', email: 'bo@example.com' });

    const [result] = await connector.write!(context(), [
      {
        profileId: 'p-ann',
        externalId: String(ann.id),
        fields: { ...fields, email: 'bo@example.com' },
        changed: { email: 'bo@example.com' },
      },
    ]);

    expect(result).toEqual({
      profileId: 'p-ann',
      ok: false,
      retryable: false,
      error: 'HTTP 422: Email: bo@example.com is already being used by another user',
    });
    expect(zendesk.emulator.store.get(ann.id)!.email).toBe('ann@example.com');
  });

  it('creates the person again when Zendesk no longer has the user', async () => {
    const ann = zendesk.emulator.createUser({ name: 'Ann Lee', email: 'ann@example.com' });
    zendesk.emulator.deleteUser(ann.id);

    const [result] = await connector.write!(context(), [
      {
        profileId: 'p-ann',
        externalId: String(ann.id),
        fields: { ...fields, email: 'ann.lee@example.com' },
        changed: { email: 'ann.lee@example.com' },
      },
    ]);

    expect(result.ok).toBe(true);
    expect(result.externalId).not.toBe(String(ann.id));
    expect(zendesk.emulator.store.get(Number(result.externalId))).toMatchObject({
      email: 'ann.lee@example.com',
      active: true,
    });
  });
});

describe('Zendesk create of a person the connection does not know yet', () => {
  it('keeps the external id of the existing user it matches by email', async () => {
    const ann = zendesk.emulator.createUser({
      name: 'Ann Lee',
      email: 'ann@example.com',
      external_id: 'sso-42',
    });

    const [result] = await connector.write!(context(), [
      { profileId: 'p-ann', fields, changed: fields },
    ]);

    expect(result).toEqual({ profileId: 'p-ann', ok: true, externalId: String(ann.id) });
    expect(zendesk.emulator.store.get(ann.id)!.external_id).toBe('sso-42');
  });

  it('gives a person without an email the profile id, so a retried create finds them', async () => {
    const phoneOnly = { phone: '+15550100001', first_name: 'Cy', last_name: 'Park' };
    const write = () =>
      connector.write!(context(), [{ profileId: 'p-cy', fields: phoneOnly, changed: phoneOnly }]);

    const [first] = await write();
    const [again] = await write();

    expect(again.externalId).toBe(first.externalId);
    expect(zendesk.emulator.store.findByExternalId('p-cy')?.id).toBe(Number(first.externalId));
  });
});

describe('Zendesk emulator fidelity', () => {
  it('adds an email given to a user update as a secondary address', async () => {
    const ann = zendesk.emulator.createUser({ name: 'Ann Lee', email: 'ann@example.com' });
    const response = await fetch(`${zendesk.emulator.apiBaseUrl()}/users/${ann.id}.json`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from('admin@example.com/token:test-token').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ user: { email: 'ann.lee@example.com' } }),
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: ZendeskUser }).user.email).toBe('ann@example.com');
    expect(zendesk.emulator.store.identities(ann.id).map((i) => [i.value, i.primary])).toEqual([
      ['ann@example.com', true],
      ['ann.lee@example.com', false],
    ]);
  });
});

describe('Zendesk email change of a staff member', () => {
  it("leaves an agent's sign-in email alone and says why, even with includeStaff", async () => {
    const agent = zendesk.emulator.createUser({
      name: 'Agent Smith',
      email: 'agent@example.com',
      role: 'agent',
    });

    const [result] = await connector.write!(context({ includeStaff: true }), [
      {
        profileId: 'p-agent',
        externalId: String(agent.id),
        fields: { email: 'smith@example.com', first_name: 'Agent', last_name: 'Smith' },
        changed: { email: 'smith@example.com' },
      },
    ]);

    expect(result).toEqual({
      profileId: 'p-agent',
      ok: false,
      retryable: false,
      error: `Zendesk user ${agent.id} is an agent; their email is changed in Zendesk, not by Syncline`,
    });
    expect(zendesk.emulator.store.get(agent.id)!.email).toBe('agent@example.com');
  });
});
