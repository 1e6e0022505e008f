import { ProfileQueryService } from '../../../src/profiles/api/profile-query.service';
import { ProfileSplitService } from '../../../src/profiles/merges/profile-split.service';
import { ProfileEraseService } from '../../../src/profiles/privacy/profile-erase.service';
import { createConnection } from '../../factories/connection-row.factory';
import { buildIngestItem } from '../../factories/ingest-item.factory';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

const SYNC = { kind: 'sync' as const };

describe('merge + split round trip, erase and export (real PostgreSQL)', () => {
  let app: ProfilesTestApp;
  let crm: string;
  let shop: string;
  let helpdesk: string;

  beforeAll(async () => {
    app = await createProfilesTestApp();
    [crm, shop, helpdesk] = await app.createConnections(3);
  });
  afterAll(() => app.close());

  const profileState = async (id: string) => {
    const [profile] = await app.env.sql(
      `SELECT id, status, merged_into, traits, provenance FROM profile WHERE id = $1`,
      [id],
    );
    const identifiers = await app.env.sql(
      `SELECT type, value FROM profile_identifier WHERE profile_id = $1 ORDER BY 1, 2`,
      [id],
    );
    const sources = await app.env.sql(
      `SELECT connection_id, external_id FROM source_record WHERE profile_id = $1 ORDER BY 1, 2`,
      [id],
    );
    return { profile, identifiers, sources };
  };
  const ownerOf = (value: string) => app.requireOwner(value);

  it('split restores the merged profile exactly and can block the linking identifier', async () => {
    await app.ingestRecord({
      connectionId: crm,
      externalId: 'a',
      traits: { email: 'split-a@acme.io', firstName: 'Ann', company: 'A Corp' },
    });
    await app.ingestRecord({
      connectionId: shop,
      externalId: 'b',
      updatedAt: '2024-05-02T00:00:00Z',
      traits: { email: 'split-b@acme.io', firstName: 'Bea', lastName: 'Bee' },
    });
    const aId = await ownerOf('split-a@acme.io');
    const bId = await ownerOf('split-b@acme.io');
    const beforeA = await profileState(aId);
    const beforeB = await profileState(bId);

    // A helpdesk record carrying both emails merges them (B into A, the oldest).
    const linker = buildIngestItem({
      connectionId: helpdesk,
      externalId: 'h',
      traits: { email: 'split-a@acme.io' },
      identifiers: [{ type: 'email', value: 'split-b@acme.io' }],
    });
    await app.store.ingest([linker], SYNC);
    expect(await ownerOf('split-b@acme.io')).toBe(aId);
    const mergedView = await app.module.get(ProfileQueryService).get(bId);
    expect(mergedView).toMatchObject({ status: 'merged', mergedInto: aId });

    const result = await app.module
      .get(ProfileSplitService)
      .split(aId, { blockIdentifier: true, actor: 'test' });
    expect(result).toMatchObject({
      survivorId: aId,
      restoredIds: [bId],
      blockedIdentifier: { type: 'email', value: 'split-b@acme.io' },
    });

    // B is back exactly as it was, except the identifier now blocked from linking.
    const afterB = await profileState(bId);
    expect(afterB.profile).toEqual(beforeB.profile);
    expect(afterB.sources).toEqual(beforeB.sources);
    expect(afterB.identifiers).toEqual([]);
    // A is what it was plus the helpdesk record that caused the merge (which carries only A's email as trait).
    const afterA = await profileState(aId);
    expect(afterA.profile).toMatchObject({ status: 'active', traits: beforeA.profile.traits });
    expect(afterA.identifiers).toEqual(beforeA.identifiers);
    expect(afterA.sources).toEqual(
      [...beforeA.sources, { connection_id: helpdesk, external_id: 'h' }].sort((x, y) =>
        String(x.connection_id) < String(y.connection_id) ? -1 : 1,
      ),
    );

    // A newer version of the linking record does not merge them again.
    await app.store.ingest(
      [
        {
          ...linker,
          record: {
            ...linker.record,
            updatedAt: '2024-08-01T00:00:00Z',
            traits: { email: 'split-a@acme.io', jobTitle: 'x' },
          },
        },
      ],
      SYNC,
    );
    expect((await profileState(bId)).profile).toMatchObject({
      status: 'active',
      merged_into: null,
    });
    const kinds = await app.env.sql<{ kind: string }>(
      `SELECT kind FROM profile_change WHERE profile_id = $1 ORDER BY seq`,
      [bId],
    );
    expect(kinds.map((k) => k.kind)).toEqual(['created', 'merged', 'split']);
    await expect(app.module.get(ProfileSplitService).split(bId)).rejects.toThrow(
      /no merge to split/,
    );
  });

  it('split without blocking restores identifiers and the round trip is exact', async () => {
    await app.ingestRecord({
      connectionId: crm,
      externalId: 'rt-a',
      traits: { email: 'rt-a@acme.io', firstName: 'R' },
    });
    await app.ingestRecord({
      connectionId: shop,
      externalId: 'rt-b',
      traits: { phone: '+33612345678', lastName: 'T' },
    });
    const aId = await ownerOf('rt-a@acme.io');
    const bId = await ownerOf('+33612345678');
    const before = [await profileState(aId), await profileState(bId)];
    // The merge is caused by a newer version of A that now also carries B's phone.
    await app.ingestRecord({
      connectionId: crm,
      externalId: 'rt-a',
      updatedAt: '2024-05-03T00:00:00Z',
      traits: { email: 'rt-a@acme.io', firstName: 'R', phone: '+33 6 12 34 56 78' },
    });
    expect(await ownerOf('+33612345678')).toBe(aId);
    await app.module.get(ProfileSplitService).split(bId);
    const after = [await profileState(aId), await profileState(bId)];
    expect(after[1]).toEqual(before[1]);
    expect(after[0].identifiers).toEqual(before[0].identifiers);
    expect(after[0].sources).toEqual(before[0].sources);
  });

  it('erase leaves nothing but suppression hashes, blocks re-creation, and export shows everything before', async () => {
    const secret = {
      email: 'erase.me@private.io',
      phone: '+4915112345678',
      firstName: 'Zelda',
      lastName: 'Zorro',
    };
    await app.ingestRecord({
      connectionId: crm,
      externalId: 'er-1',
      traits: secret,
      raw: { vendor: 'zelda-raw' },
    });
    await app.ingestRecord({
      connectionId: shop,
      externalId: 'er-2',
      traits: { phone: secret.phone, company: 'Zorro Ltd' },
    });
    await app.ingestRecord({
      connectionId: helpdesk,
      externalId: 'er-3',
      traits: { email: secret.email },
      identifiers: [{ type: 'phone', value: secret.phone }],
    });
    const id = await ownerOf(secret.email);

    const exported = await app.module.get(ProfileQueryService).export(id);
    expect(exported.sources.map((s) => s.externalId).sort()).toEqual(['er-1', 'er-2', 'er-3']);
    expect(exported.sources.find((s) => s.externalId === 'er-1')?.raw).toEqual({
      vendor: 'zelda-raw',
    });
    expect(exported.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'email', value: secret.email },
        { type: 'phone', value: secret.phone },
      ]),
    );
    expect(exported.changes.length).toBeGreaterThan(0);

    const result = await app.module.get(ProfileEraseService).erase(id, 'admin');
    expect(result.erasedProfileIds).toContain(id);

    const dump = await app.env.sql<{ dump: string }>(`
      SELECT concat_ws('|',
        (SELECT string_agg(t::text, '|') FROM profile t), (SELECT string_agg(t::text, '|') FROM profile_identifier t),
        (SELECT string_agg(t::text, '|') FROM source_record t), (SELECT string_agg(t::text, '|') FROM profile_merge t),
        (SELECT string_agg(t::text, '|') FROM identity_conflict t), (SELECT string_agg(t::text, '|') FROM profile_change t),
        (SELECT string_agg(t::text, '|') FROM identity_block t)) AS dump`);
    for (const needle of [
      'erase.me',
      '5112345678',
      'Zelda',
      'Zorro',
      'er-1',
      'er-2',
      'er-3',
      'zelda-raw',
    ]) {
      expect(dump[0].dump).not.toContain(needle);
    }
    const orphans = await app.env.sql(
      `SELECT profile_id FROM profile_identifier WHERE profile_id = ANY($1::uuid[])
       UNION ALL SELECT profile_id FROM source_record WHERE profile_id = ANY($1::uuid[])`,
      [result.erasedProfileIds],
    );
    expect(orphans).toEqual([]);
    const erasedRows = await app.env.sql(
      `SELECT kind, changes, cause FROM profile_change WHERE profile_id = ANY($1::uuid[]) ORDER BY seq`,
      [result.erasedProfileIds],
    );
    expect(
      erasedRows.every(
        (row) => row.kind === 'erased' || (row.changes === null && row.cause === null),
      ),
    ).toBe(true);
    expect(
      Number(
        (await app.env.sql<{ n: string }>(`SELECT count(*) AS n FROM profile_suppression`))[0].n,
      ),
    ).toBeGreaterThanOrEqual(5);

    // The next sync of any of those records, or a new record with the same email, creates nothing.
    const again = await app.store.ingest(
      [
        buildIngestItem({
          connectionId: crm,
          externalId: 'er-1',
          updatedAt: '2025-01-01T00:00:00Z',
          traits: secret,
        }),
        buildIngestItem({
          connectionId: await createConnection(app.env.sql),
          externalId: 'new',
          traits: { email: ' Erase.Me@private.io' },
        }),
      ],
      SYNC,
    );
    expect(again).toMatchObject({ suppressed: 2, profilesCreated: 0 });
    expect(await app.ownerOf(secret.email)).toBeUndefined();
  });
});
