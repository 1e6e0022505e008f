import {
  StoredProvenance,
  readProvenance,
} from '../../../src/profiles/survivorship/stored-provenance';
import { buildIngestItem } from '../../factories/ingest-item.factory';
import { createConnection } from '../../factories/connection-row.factory';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

const SYNC = { kind: 'sync' as const, syncRunId: 'run-1' };

describe('ProfileStore.ingest (real PostgreSQL)', () => {
  let app: ProfilesTestApp;
  let crm: string;
  let shop: string;

  beforeAll(async () => {
    app = await createProfilesTestApp();
    crm = await createConnection(app.env.sql);
    shop = await createConnection(app.env.sql);
  });
  afterAll(() => app.close());

  const profileOf = async (type: string, value: string) => {
    const [row] = await app.env.sql<{
      id: string;
      traits: Record<string, unknown>;
      provenance: StoredProvenance;
      status: string;
    }>(
      `SELECT p.id, p.traits, p.provenance, p.status FROM profile_identifier i JOIN profile p ON p.id = i.profile_id
        WHERE i.type = $1 AND i.value = $2`,
      [type, value],
    );
    return row && { ...row, provenance: readProvenance(row.provenance) };
  };
  const changeCount = async () =>
    Number((await app.env.sql<{ n: string }>('SELECT count(*) AS n FROM profile_change'))[0].n);

  it('creates a profile with normalized identifiers, traits and provenance', async () => {
    const result = await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'c-1',
          traits: {
            email: '  Ada.Lovelace@Engines.ORG ',
            phone: '(415) 555-2671',
            firstName: 'Ada',
          },
        }),
      ],
      SYNC,
    );
    expect(result).toMatchObject({ received: 1, applied: 1, profilesCreated: 1 });
    const profile = await profileOf('email', 'ada.lovelace@engines.org');
    expect(profile.traits).toEqual({
      email: 'ada.lovelace@engines.org',
      phone: '+14155552671',
      firstName: 'Ada',
    });
    expect(profile.provenance.firstName).toEqual({
      connectionId: crm,
      externalId: 'c-1',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    expect((await profileOf('phone', '+14155552671')).id).toBe(profile.id);
    const changes = await app.env.sql<{ kind: string; cause: Record<string, unknown> }>(
      'SELECT kind, cause FROM profile_change WHERE profile_id = $1',
      [profile.id],
    );
    expect(changes).toEqual([
      {
        kind: 'created',
        cause: expect.objectContaining({
          kind: 'sync',
          syncRunId: 'run-1',
          connectionId: crm,
          externalIds: ['c-1'],
        }),
      },
    ]);
  });

  it('is idempotent: the same batch twice changes nothing and logs nothing the second time', async () => {
    const batch = [
      buildIngestItem({
        connectionId: crm,
        externalId: 'idem-1',
        traits: { email: 'idem1@acme.io', firstName: 'I' },
      }),
      buildIngestItem({
        connectionId: shop,
        externalId: 'idem-2',
        traits: { email: 'idem1@acme.io', lastName: 'Dem' },
      }),
    ];
    await app.store.ingest(batch, SYNC);
    const before = await app.env.sql(
      'SELECT id, traits, provenance, updated_at FROM profile ORDER BY id',
    );
    const changes = await changeCount();
    const again = await app.store.ingest(batch, { kind: 'webhook', deliveryId: 'd-1' });
    expect(again).toMatchObject({ applied: 0, unchanged: 2, profilesCreated: 0 });
    expect(await changeCount()).toBe(changes);
    expect(
      await app.env.sql('SELECT id, traits, provenance, updated_at FROM profile ORDER BY id'),
    ).toEqual(before);
  });

  it('is order-safe: an older version arriving after a newer one is ignored', async () => {
    const newer = buildIngestItem({
      connectionId: crm,
      externalId: 'ord-1',
      updatedAt: '2024-06-02T00:00:00Z',
      traits: { email: 'ord@acme.io', company: 'New Co' },
    });
    const older = buildIngestItem({
      connectionId: crm,
      externalId: 'ord-1',
      updatedAt: '2024-06-01T00:00:00Z',
      traits: { email: 'ord@acme.io', company: 'Old Co' },
    });
    await app.store.ingest([newer], SYNC);
    const changes = await changeCount();
    expect(await app.store.ingest([older], SYNC)).toMatchObject({ stale: 1, applied: 0 });
    expect((await profileOf('email', 'ord@acme.io')).traits.company).toBe('New Co');
    expect(await changeCount()).toBe(changes);
    // Both versions in one batch: the newer wins whatever the position.
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'ord-2',
          updatedAt: '2024-06-03T00:00:00Z',
          traits: { email: 'ord2@acme.io', company: 'B' },
        }),
        buildIngestItem({
          connectionId: crm,
          externalId: 'ord-2',
          updatedAt: '2024-06-02T00:00:00Z',
          traits: { email: 'ord2@acme.io', company: 'A' },
        }),
      ],
      SYNC,
    );
    expect((await profileOf('email', 'ord2@acme.io')).traits.company).toBe('B');
  });

  it('orders versions stamped in the same second by when they were seen, in any arrival order', async () => {
    // Shopify, Zendesk and Mailchimp stamp records to the second: an edit in the same second
    // as the version held carries the same updatedAt.
    const sameSecond = '2024-06-05T12:00:00.000Z';
    const version = (externalId: string, company: string, observedAt?: string) =>
      buildIngestItem({
        connectionId: shop,
        externalId,
        updatedAt: sameSecond,
        traits: { email: `${externalId}@acme.io`, company },
        ...(observedAt ? { observedAt } : {}),
      });
    const first = (id: string) => version(id, 'First edit', '2024-06-05T12:00:00.150Z');
    const second = (id: string) => version(id, 'Second edit', '2024-06-05T12:00:00.950Z');

    await app.store.ingest([first('tie-1')], SYNC);
    expect(await app.store.ingest([second('tie-1')], SYNC)).toMatchObject({ applied: 1 });
    await app.store.ingest([second('tie-2')], SYNC);
    expect(await app.store.ingest([first('tie-2')], SYNC)).toMatchObject({ stale: 1, applied: 0 });
    await app.store.ingest([first('tie-3'), second('tie-3')].reverse(), SYNC);
    for (const id of ['tie-1', 'tie-2', 'tie-3']) {
      expect((await profileOf('email', `${id}@acme.io`)).traits.company).toBe('Second edit');
    }

    // A version held without an observation time (stored before it was recorded) is the
    // oldest observation. Seeing the same content again later changes no profile and logs
    // nothing, but the later observation is kept.
    await app.store.ingest([version('tie-4', 'Held')], SYNC);
    await app.store.ingest([second('tie-4')], SYNC);
    expect((await profileOf('email', 'tie-4@acme.io')).traits.company).toBe('Second edit');
    const changes = await changeCount();
    expect(
      await app.store.ingest([version('tie-4', 'Second edit', '2024-06-05T12:00:05.000Z')], SYNC),
    ).toMatchObject({ unchanged: 1, applied: 0 });
    expect(await changeCount()).toBe(changes);
    const [stored] = await app.env.sql<{ observed_at: Date }>(
      `SELECT observed_at FROM source_record WHERE connection_id = $1 AND external_id = 'tie-4'`,
      [shop],
    );
    expect(stored.observed_at.toISOString()).toBe('2024-06-05T12:00:05.000Z');

    // Content that returns within the second: A seen at .1, B at .2, A again at .3. Whatever
    // the arrival order, A (the latest observation) is held.
    const a = (id: string, ms: string) => version(id, 'A', `2024-06-05T12:00:00.${ms}Z`);
    const b = (id: string) => version(id, 'B', '2024-06-05T12:00:00.200Z');
    const orders = [
      ['back-1', (id: string) => [a(id, '100'), a(id, '300'), b(id)]],
      ['back-2', (id: string) => [b(id), a(id, '100'), a(id, '300')]],
      ['back-3', (id: string) => [a(id, '100'), b(id), a(id, '300')]],
    ] as const;
    for (const [id, order] of orders) {
      for (const item of order(id)) await app.store.ingest([item], SYNC);
      expect({ id, company: (await profileOf('email', `${id}@acme.io`)).traits.company }).toEqual({
        id,
        company: 'A',
      });
    }
  });

  it('rejects an observation time that is not a date, naming it', async () => {
    const bad = { ...buildIngestItem({ connectionId: shop }), observedAt: 'yesterday' };
    const result = await app.store.ingest([bad], SYNC);
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 0, reason: 'observedAt must be an ISO 8601 date' }),
    ]);
  });

  it('survivorship: newest wins, empty never overwrites, connection priority overrides recency', async () => {
    const preferred = await createConnection(app.env.sql, { priority: 10 });
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: preferred,
          externalId: 'sv-1',
          updatedAt: '2024-01-01T00:00:00Z',
          traits: { email: 'sv@acme.io', jobTitle: 'CTO', company: 'Prio Inc' },
        }),
        buildIngestItem({
          connectionId: crm,
          externalId: 'sv-2',
          updatedAt: '2024-03-01T00:00:00Z',
          traits: {
            email: 'sv@acme.io',
            jobTitle: 'Engineer',
            firstName: 'Sam',
            company: 'Newest Inc',
          },
        }),
        buildIngestItem({
          connectionId: shop,
          externalId: 'sv-3',
          updatedAt: '2024-04-01T00:00:00Z',
          traits: { email: 'sv@acme.io', firstName: '  ', lastName: null, company: '' },
        }),
      ],
      SYNC,
    );
    const profile = await profileOf('email', 'sv@acme.io');
    expect(profile.traits).toMatchObject({
      jobTitle: 'CTO',
      company: 'Prio Inc',
      firstName: 'Sam',
    });
    expect(profile.traits).not.toHaveProperty('lastName');
    expect(profile.provenance.firstName).toMatchObject({ connectionId: crm, externalId: 'sv-2' });
    expect(profile.provenance.jobTitle).toMatchObject({
      connectionId: preferred,
      externalId: 'sv-1',
    });
    expect(profile.provenance.email).toMatchObject({ connectionId: preferred });
  });

  it('a record that loses survivorship leaves the profile as it is and logs that its tool holds other values', async () => {
    const preferred = await createConnection(app.env.sql, { priority: 10 });
    const email = 'rex@acme.io';
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: preferred,
          externalId: 'ov-1',
          traits: { email, firstName: 'Rexford', address: { city: 'Lyon', country: 'FR' } },
        }),
      ],
      SYNC,
    );
    const profile = await profileOf('email', email);
    const outvotedRows = () =>
      app.env.sql<{ changes: unknown }>(
        `SELECT changes FROM profile_change WHERE profile_id = $1 AND kind = 'outvoted'`,
        [profile.id],
      );
    // The shop holds part of the address and the same name: nothing lost.
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'ov-2',
          updatedAt: '2024-06-01T00:00:00Z',
          traits: { email, firstName: 'Rexford', address: { city: 'Lyon' } },
        }),
      ],
      SYNC,
    );
    expect(await outvotedRows()).toEqual([]);

    // Someone at the till retypes the name; the preferred tool's value ranks first.
    const changesBefore = await changeCount();
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'ov-2',
          updatedAt: '2024-07-01T00:00:00Z',
          traits: { email, firstName: 'Rexie', address: { city: 'Lyon' } },
        }),
      ],
      SYNC,
    );

    expect((await profileOf('email', email)).traits.firstName).toBe('Rexford');
    expect(await changeCount()).toBe(changesBefore + 1);
    expect(await outvotedRows()).toEqual([
      {
        changes: { outvoted: [{ connectionId: shop, externalId: 'ov-2', traits: ['firstName'] }] },
      },
    ]);

    // The shop sends the record again (an order), still holding that name, and a tag of its
    // own: once said is enough (it may refuse or restyle the value), and tags are not taken away.
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'ov-2',
          updatedAt: '2024-08-01T00:00:00Z',
          traits: { email, firstName: 'Rexie', address: { city: 'Lyon' }, tags: ['vip'] },
        }),
      ],
      SYNC,
    );
    expect(await outvotedRows()).toHaveLength(1);
  });

  it('survivorship: a trait the vendor dates apart from its record ranks by that time, kept with the source', async () => {
    const email = 'dated.consent@acme.io';
    const shopVersion = (updatedAt: string) =>
      buildIngestItem({
        connectionId: shop,
        externalId: 'dated-1',
        updatedAt,
        traits: { email, firstName: 'Ana', emailConsent: 'subscribed' },
        traitTimes: { emailConsent: '2024-01-10T00:00:00.000Z' },
      });
    await app.store.ingest(
      [
        shopVersion('2024-01-10T00:00:00.000Z'),
        buildIngestItem({
          connectionId: crm,
          externalId: 'dated-2',
          updatedAt: '2024-03-01T00:00:00.000Z',
          traits: { email, emailConsent: 'unsubscribed' },
        }),
      ],
      SYNC,
    );
    // An order touches the shop's record in June; the consent in it is still January's.
    await app.store.ingest([shopVersion('2024-06-01T00:00:00.000Z')], SYNC);

    const profile = await profileOf('email', email);
    expect(profile.traits).toMatchObject({ firstName: 'Ana', emailConsent: 'unsubscribed' });
    expect(profile.provenance.emailConsent).toMatchObject({ connectionId: crm });
    const [source] = await app.env.sql<{ trait_times: unknown }>(
      `SELECT trait_times FROM source_record WHERE connection_id = $1 AND external_id = 'dated-1'`,
      [shop],
    );
    expect(source.trait_times).toEqual({ emailConsent: '2024-01-10T00:00:00.000Z' });
  });

  it('merges profiles linked by a record into the oldest, records the merge and redirects', async () => {
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'm-a',
          traits: { email: 'merge-a@acme.io', firstName: 'Ann' },
        }),
      ],
      SYNC,
    );
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'm-b',
          traits: { phone: '+442071838750', lastName: 'Lee' },
        }),
      ],
      SYNC,
    );
    const a = await profileOf('email', 'merge-a@acme.io');
    const b = await profileOf('phone', '+442071838750');
    expect(a.id).not.toBe(b.id);
    const linker = await createConnection(app.env.sql);
    const result = await app.store.ingest(
      [
        buildIngestItem({
          connectionId: linker,
          externalId: 'm-c',
          traits: { email: 'MERGE-A@acme.io', phone: '+44 20 7183 8750' },
        }),
      ],
      { kind: 'webhook', deliveryId: 'dl-9' },
    );
    expect(result.profilesMerged).toBe(1);
    const survivor = await profileOf('phone', '+442071838750');
    expect(survivor.id).toBe(a.id);
    expect(survivor.traits).toMatchObject({
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'merge-a@acme.io',
    });
    const [stub] = await app.env.sql<{ status: string; merged_into: string }>(
      'SELECT status, merged_into FROM profile WHERE id = $1',
      [b.id],
    );
    expect(stub).toEqual({ status: 'merged', merged_into: a.id });
    const [merge] = await app.env.sql<Record<string, unknown>>(
      'SELECT survivor_id, merged_ids, identifier_type, identifier_value, cause FROM profile_merge WHERE survivor_id = $1',
      [a.id],
    );
    expect(merge).toMatchObject({
      merged_ids: [b.id],
      identifier_type: 'phone',
      identifier_value: '+442071838750',
      cause: expect.objectContaining({
        kind: 'webhook',
        deliveryId: 'dl-9',
        connectionId: linker,
        externalIds: ['m-c'],
      }),
    });
    const kinds = await app.env.sql<{ profile_id: string; kind: string }>(
      `SELECT profile_id, kind FROM profile_change WHERE profile_id IN ($1, $2) ORDER BY seq`,
      [a.id, b.id],
    );
    expect(kinds.slice(-3)).toEqual([
      { profile_id: a.id, kind: 'merged' },
      { profile_id: b.id, kind: 'merged' },
      { profile_id: a.id, kind: 'updated' },
    ]);
  });

  it('never links through blocked identifiers (values and patterns)', async () => {
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'bl-1',
          traits: { email: 'Test@Example.com', firstName: 'One' },
        }),
        buildIngestItem({
          connectionId: shop,
          externalId: 'bl-2',
          traits: { email: 'test@example.com', firstName: 'Two' },
        }),
        buildIngestItem({
          connectionId: crm,
          externalId: 'bl-3',
          traits: { email: 'noreply@shop.io', phone: '+1 000 000 0000' },
        }),
        buildIngestItem({
          connectionId: shop,
          externalId: 'bl-4',
          traits: { email: 'no-reply@shop.io', phone: '+10000000000' },
        }),
      ],
      SYNC,
    );
    const rows = await app.env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE external_id IN ('bl-1', 'bl-2', 'bl-3', 'bl-4')`,
    );
    expect(new Set(rows.map((r) => r.profile_id)).size).toBe(4);
    expect(
      await app.env.sql(
        `SELECT * FROM profile_identifier WHERE value LIKE '%example.com' OR value LIKE '%reply@shop.io'`,
      ),
    ).toEqual([]);
    // Blocked emails remain visible as traits.
    const [traits] = await app.env.sql<{ traits: { email: string } }>(
      `SELECT p.traits FROM source_record s JOIN profile p ON p.id = s.profile_id WHERE s.external_id = 'bl-1'`,
    );
    expect(traits.traits.email).toBe('test@example.com');
  });

  it('limits prevent over-merging: two records of one connection stay apart and the conflict is recorded', async () => {
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'dup-1',
          traits: { email: 'shared-desk@acme.io', firstName: 'Jo' },
        }),
        buildIngestItem({
          connectionId: crm,
          externalId: 'dup-2',
          traits: { email: 'shared-desk@acme.io', firstName: 'Jim' },
        }),
      ],
      SYNC,
    );
    const rows = await app.env.sql<{ external_id: string; profile_id: string }>(
      `SELECT external_id, profile_id FROM source_record WHERE external_id IN ('dup-1', 'dup-2') ORDER BY external_id`,
    );
    expect(rows[0].profile_id).not.toBe(rows[1].profile_id);
    const [conflict] = await app.env.sql<Record<string, unknown>>(
      `SELECT reason, identifier_type, external_id, profile_id FROM identity_conflict WHERE external_id = 'dup-2'`,
    );
    expect(conflict).toMatchObject({
      reason: 'external-limit',
      identifier_type: 'external',
      profile_id: rows[0].profile_id,
    });

    // Six emails on one profile: the sixth is not attached, and the conflict says why.
    const emails = Array.from({ length: 6 }, (_, i) => ({
      type: 'email' as const,
      value: `many${i}@acme.io`,
    }));
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'many',
          traits: {},
          identifiers: emails,
        }),
      ],
      SYNC,
    );
    const held = await app.env.sql(`SELECT value FROM profile_identifier WHERE value LIKE 'many%'`);
    expect(held).toHaveLength(5);
    expect(
      await app.env.sql(`SELECT reason FROM identity_conflict WHERE external_id = 'many'`),
    ).toEqual([{ reason: 'email-limit' }]);
  });

  it('a record held apart by the limits joins the profile sharing its email, not an older one sharing its phone', async () => {
    const mail = await createConnection(app.env.sql);
    const householdPhone = '+14155550111';
    const ingestOne = (connectionId: string, externalId: string, name: string) =>
      app.store.ingest(
        [
          buildIngestItem({
            connectionId,
            externalId,
            traits: { email: `${name}@household.io`, phone: householdPhone, firstName: name },
          }),
        ],
        SYNC,
      );
    // Bob is met first; Alice is given Bob's (household) phone later in the CRM, so the
    // external-id limit keeps her apart from Bob and the phone stays his.
    await ingestOne(crm, 'bob', 'bob');
    await ingestOne(crm, 'alice', 'alice');
    const alice = await profileOf('email', 'alice@household.io');
    const bob = await profileOf('email', 'bob@household.io');
    expect(alice.id).not.toBe(bob.id);

    // Her email-tool member carries both: one email of Alice's against one phone of Bob's.
    await ingestOne(mail, 'member-alice', 'alice');
    const [member] = await app.env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE external_id = 'member-alice'`,
    );
    expect(member.profile_id).toBe(alice.id);
    expect((await profileOf('email', 'bob@household.io')).traits).toMatchObject({
      email: 'bob@household.io',
      firstName: 'bob',
    });
    const [conflict] = await app.env.sql<Record<string, unknown>>(
      `SELECT reason, profile_id FROM identity_conflict WHERE external_id = 'member-alice'`,
    );
    expect(conflict).toEqual({ reason: 'merge-limit', profile_id: alice.id });
  });

  it('a record Syncline created for a person without email or phone, read back, joins that person', async () => {
    const desk = await createConnection(app.env.sql);
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: desk,
          externalId: 'u-1',
          traits: { firstName: 'Nameless' },
        }),
      ],
      SYNC,
    );
    const [{ profile_id: person }] = await app.env.sql<{ profile_id: string }>(
      `SELECT profile_id FROM source_record WHERE connection_id = $1 AND external_id = 'u-1'`,
      [desk],
    );
    // Outbound created them in the shop as customer c-9 and recorded it.
    await app.env.sql(
      `INSERT INTO push_state (connection_id, profile_id, external_id, fields, status)
       VALUES ($1, $2, 'c-9', '{"first_name": "Nameless"}', 'ok')`,
      [shop, person],
    );

    const result = await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'c-9',
          traits: { firstName: 'Nameless' },
        }),
      ],
      SYNC,
    );

    expect(result).toMatchObject({ applied: 1, profilesCreated: 0 });
    const sources = await app.env.sql<{ external_id: string }>(
      `SELECT external_id FROM source_record WHERE profile_id = $1 ORDER BY external_id`,
      [person],
    );
    expect(sources.map((row) => row.external_id)).toEqual(['c-9', 'u-1']);
  });

  /** One person, with a record `<prefix>-1` in the CRM and `<prefix>-2` in the shop. */
  const personInBothTools = (prefix: string, crmTraits: object, shopTraits: object) =>
    app.store.ingest(
      [
        buildIngestItem({ connectionId: crm, externalId: `${prefix}-1`, traits: crmTraits }),
        buildIngestItem({ connectionId: shop, externalId: `${prefix}-2`, traits: shopTraits }),
      ],
      SYNC,
    );

  it('a source deletion removes its contribution; a profile with no live sources is closed', async () => {
    await personInBothTools(
      'del',
      { email: 'del@acme.io', company: 'Gone Ltd' },
      { email: 'del@acme.io', firstName: 'Stay' },
    );
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'del-1',
          updatedAt: '2024-07-01T00:00:00Z',
          deleted: true,
          traits: {},
        }),
      ],
      SYNC,
    );
    let profile = await profileOf('email', 'del@acme.io');
    expect(profile.traits).toEqual({ email: 'del@acme.io', firstName: 'Stay' });
    expect(profile.status).toBe('active');
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: shop,
          externalId: 'del-2',
          updatedAt: '2024-07-01T00:00:00Z',
          deleted: true,
          traits: {},
        }),
      ],
      SYNC,
    );
    profile = await profileOf('email', 'del@acme.io');
    expect(profile).toMatchObject({ status: 'closed', traits: {} });
    const kinds = await app.env.sql<{ kind: string }>(
      'SELECT kind FROM profile_change WHERE profile_id = $1 ORDER BY seq',
      [profile.id],
    );
    expect(kinds.map((k) => k.kind)).toEqual(['created', 'updated', 'updated', 'closed']);
  });

  it('a record the connection leaves out removes the version it holds and creates nothing for others', async () => {
    await personInBothTools(
      'scope',
      { email: 'scope@acme.io', company: 'Promoted Ltd' },
      { email: 'scope@acme.io', firstName: 'Stays' },
    );
    const leftOut = (externalId: string) =>
      buildIngestItem({
        connectionId: crm,
        externalId,
        updatedAt: '2024-07-01T00:00:00Z',
        deleted: true,
        outOfScope: true,
        traits: {},
      });
    const sourceCount = async () =>
      Number((await app.env.sql<{ n: string }>('SELECT count(*) AS n FROM source_record'))[0].n);
    const profileCount = async () =>
      Number((await app.env.sql<{ n: string }>('SELECT count(*) AS n FROM profile'))[0].n);
    const before = {
      changes: await changeCount(),
      sources: await sourceCount(),
      profiles: await profileCount(),
    };

    // Held live: removed as a deletion removes it. Never held: nothing at all.
    const result = await app.store.ingest([leftOut('scope-1'), leftOut('scope-never')], SYNC);

    expect(result).toMatchObject({ applied: 1, unchanged: 1, profilesCreated: 0 });
    expect((await profileOf('email', 'scope@acme.io')).traits).toEqual({
      email: 'scope@acme.io',
      firstName: 'Stays',
    });
    expect({
      changes: await changeCount(),
      sources: await sourceCount(),
      profiles: await profileCount(),
    }).toEqual({ ...before, changes: before.changes + 1 });
    // Seen again (the next read): still nothing to do.
    const again = await app.store.ingest([leftOut('scope-1'), leftOut('scope-never')], SYNC);
    expect(again).toMatchObject({ applied: 0, profilesCreated: 0 });
    expect(await changeCount()).toBe(before.changes + 1);
  });

  it('rejects a left-out record that is not a deletion, naming the field', async () => {
    const result = await app.store.ingest(
      [buildIngestItem({ connectionId: crm, externalId: 'scope-bad', outOfScope: true })],
      SYNC,
    );
    expect(result.rejected).toEqual([
      expect.objectContaining({
        externalId: 'scope-bad',
        reason: 'record.outOfScope must come with deleted: true',
      }),
    ]);
  });

  it('keeps invalid emails and phones as traits but never as identifiers', async () => {
    await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'inv-1',
          traits: { email: 'not an email', phone: '12', firstName: 'Inv' },
        }),
      ],
      SYNC,
    );
    const [row] = await app.env.sql<{ traits: Record<string, unknown>; identifiers: string }>(
      `SELECT p.traits, (SELECT count(*) FROM profile_identifier i WHERE i.profile_id = p.id) AS identifiers
         FROM source_record s JOIN profile p ON p.id = s.profile_id WHERE s.external_id = 'inv-1'`,
    );
    expect(row).toEqual({
      traits: { email: 'not an email', phone: '12', firstName: 'Inv' },
      identifiers: '0',
    });
  });

  it('stores exactly the values COPY text format would otherwise misread', async () => {
    const awkward = 'tab\there\nnew line\\back\\slash \\N "quoted" \r é 漢字 🙂';
    const item = buildIngestItem({
      connectionId: crm,
      externalId: `ext\t${awkward}`,
      traits: {
        email: 'awkward@acme.io',
        firstName: awkward,
        custom: { hubspot: { note: awkward } },
      },
      raw: { note: awkward, nested: ['\\', '\t', null] },
    });
    await app.store.ingest([item], SYNC);
    const [row] = await app.env.sql<{
      external_id: string;
      traits: Record<string, unknown>;
      raw: unknown;
    }>(
      `SELECT s.external_id, p.traits, s.raw FROM source_record s JOIN profile p ON p.id = s.profile_id
        WHERE s.connection_id = $1 AND s.external_id = $2`,
      [crm, `ext\t${awkward}`],
    );
    expect(row).toEqual({
      external_id: `ext\t${awkward}`,
      traits: {
        email: 'awkward@acme.io',
        firstName: awkward.trim(),
        custom: { hubspot: { note: awkward.trim() } },
      },
      raw: { note: awkward, nested: ['\\', '\t', null] },
    });
  });

  it('keeps a vendor payload as the vendor sent it, when the source is created and when it is updated', async () => {
    // Key order as a vendor sends it; `jsonb` would store it sorted (by length, then bytes).
    const raw = (version: number) => ({ zeta: version, id: 'p-1', a: { yy: 1, b: [2, 1] } });
    const rawText = async () =>
      (
        await app.env.sql<{ raw: string }>(
          `SELECT raw::text AS raw FROM source_record WHERE connection_id = $1 AND external_id = 'payload-1'`,
          [crm],
        )
      )[0].raw;
    const version = (n: number, updatedAt: string) =>
      buildIngestItem({
        connectionId: crm,
        externalId: 'payload-1',
        updatedAt,
        traits: { email: 'payload@acme.io', firstName: `Version ${n}` },
        raw: raw(n),
      });
    await app.store.ingest([version(1, '2024-05-01T10:00:00.000Z')], SYNC);
    expect(await rawText()).toBe(JSON.stringify(raw(1)));
    const updated = await app.store.ingest([version(2, '2024-05-02T10:00:00.000Z')], SYNC);
    expect(updated.applied).toBe(1);
    expect(await rawText()).toBe(JSON.stringify(raw(2)));
  });

  it('stores a batch whose rows and values are larger than one COPY message', async () => {
    // 300 KB of multi-byte text in one payload, between rows that fill several 64 KB messages.
    const big = '漢字 and text '.repeat(20_000);
    const items = Array.from({ length: 300 }, (_, i) =>
      buildIngestItem({
        connectionId: crm,
        externalId: `big-${i}`,
        traits: { email: `big-${i}@acme.io`, company: `Acme-${'x'.repeat(i * 3)}` },
        raw: { note: i === 150 ? big : `row ${i}` },
      }),
    );
    const result = await app.store.ingest(items, SYNC);
    expect(result.applied).toBe(300);
    const rows = await app.env.sql<{ external_id: string; company: string; note: string }>(
      `SELECT s.external_id, p.traits->>'company' AS company, s.raw->>'note' AS note
         FROM source_record s JOIN profile p ON p.id = s.profile_id
        WHERE s.connection_id = $1 AND s.external_id LIKE 'big-%'`,
      [crm],
    );
    expect(rows).toHaveLength(300);
    for (const row of rows) {
      const i = Number(row.external_id.slice('big-'.length));
      expect(row.company).toBe(`Acme-${'x'.repeat(i * 3)}`);
      expect(row.note).toBe(i === 150 ? big : `row ${i}`);
    }
  });

  it('rejects a malformed item alone; the rest of its batch goes in', async () => {
    const good = buildIngestItem({
      connectionId: crm,
      externalId: 'ok-1',
      traits: { email: 'ok1@acme.io' },
    });
    const bad = buildIngestItem({ connectionId: crm, externalId: 'bad-1', updatedAt: 'yesterday' });
    const result = await app.store.ingest([bad, good], SYNC);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        index: 0,
        externalId: 'bad-1',
        reason: expect.stringContaining('updatedAt'),
      }),
    ]);
    expect(result.applied).toBe(1);
    expect(await profileOf('email', 'ok1@acme.io')).toBeDefined();
  });
});
