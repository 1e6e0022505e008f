import { ProfileQueryService } from '../../../src/profiles/api/profile-query.service';
import { ProfileSplitService } from '../../../src/profiles/merges/profile-split.service';
import { ProfileEraseService } from '../../../src/profiles/privacy/profile-erase.service';
import { createConnection } from '../../factories/connection-row.factory';
import { buildIngestItem } from '../../factories/ingest-item.factory';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

const SYNC = { kind: 'sync' as const };

/**
 * Redirects never chain: whatever order merges happen in, within a batch or across batches, a
 * merged profile points at a profile that is not merged — export, erase and outbound follow
 * one hop. And a split finds what it must restore wherever it is now.
 */
describe('merge redirects and splits of merged survivors (real PostgreSQL)', () => {
  let app: ProfilesTestApp;

  beforeAll(async () => {
    app = await createProfilesTestApp();
  });
  afterAll(() => app.close());

  /** Profiles whose redirect names a profile that is itself merged: must always be none. */
  const chains = () =>
    app.env.sql(
      `SELECT p.id FROM profile p JOIN profile t ON t.id = p.merged_into WHERE t.status = 'merged'`,
    );
  const ownerOf = (value: string) => app.requireOwner(value);
  const row = async (id: string) =>
    (
      await app.env.sql<{ status: string; merged_into: string | null }>(
        `SELECT status, merged_into FROM profile WHERE id = $1`,
        [id],
      )
    )[0];
  const sourcesOf = async (id: string) =>
    (
      await app.env.sql<{ external_id: string }>(
        `SELECT external_id FROM source_record WHERE profile_id = $1 ORDER BY 1`,
        [id],
      )
    ).map((r) => r.external_id);
  const identifiersOf = async (id: string) =>
    (
      await app.env.sql<{ value: string }>(
        `SELECT value FROM profile_identifier WHERE profile_id = $1 ORDER BY 1`,
        [id],
      )
    ).map((r) => r.value);

  /** One profile per name, created oldest first (one batch each), each from its own tool. */
  async function createPeople(prefix: string, names: string[]): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (const name of names) {
      await app.ingestRecord({
        connectionId: await createConnection(app.env.sql),
        externalId: `${prefix}-${name}`,
        traits: { email: `${prefix}-${name}@acme.io`, firstName: name.toUpperCase() },
      });
      ids[name] = await ownerOf(`${prefix}-${name}@acme.io`);
    }
    return ids;
  }

  /** A helpdesk record carrying two people's emails: it merges the younger into the older. */
  const linker = async (prefix: string, first: string, second: string) =>
    buildIngestItem({
      connectionId: await createConnection(app.env.sql),
      externalId: `${prefix}-link-${first}${second}`,
      traits: { email: `${prefix}-${first}@acme.io` },
      identifiers: [{ type: 'email', value: `${prefix}-${second}@acme.io` }],
    });

  it('merges within a batch and across batches redirect to the final survivor, so export and erase see everyone', async () => {
    const p = 'chain';
    const ids = await createPeople(p, ['a', 'b', 'c', 'd']);
    await app.store.ingest([await linker(p, 'c', 'd')], SYNC);
    expect(await row(ids.d)).toEqual({ status: 'merged', merged_into: ids.c });

    // One batch: C goes into B, then B into A.
    const result = await app.store.ingest(
      [await linker(p, 'b', 'c'), await linker(p, 'a', 'b')],
      SYNC,
    );
    expect(result.profilesMerged).toBe(2);

    for (const name of ['b', 'c', 'd']) {
      expect(await row(ids[name])).toEqual({ status: 'merged', merged_into: ids.a });
    }
    expect(await chains()).toEqual([]);

    // Exporting from the oldest merged id finds every record of the person.
    const exported = await app.module.get(ProfileQueryService).export(ids.d);
    expect(exported.sources.map((s) => s.externalId).sort()).toEqual(
      [
        'chain-a',
        'chain-b',
        'chain-c',
        'chain-d',
        'chain-link-ab',
        'chain-link-bc',
        'chain-link-cd',
      ].sort(),
    );

    const erased = await app.module.get(ProfileEraseService).erase(ids.a, 'test');
    expect([...erased.erasedProfileIds].sort()).toEqual(Object.values(ids).sort());
    const left = await app.env.sql(`SELECT id FROM profile WHERE id = ANY($1::uuid[])`, [
      Object.values(ids),
    ]);
    expect(left).toEqual([]);
  });

  it('split of a profile whose survivor was merged since restores it from the final survivor', async () => {
    const p = 'resplit';
    const ids = await createPeople(p, ['a', 'b', 'c', 'd']);
    await app.store.ingest([await linker(p, 'c', 'd')], SYNC); // D into C
    await app.store.ingest([await linker(p, 'b', 'c')], SYNC); // C into B
    await app.store.ingest([await linker(p, 'a', 'b')], SYNC); // B into A
    expect(await chains()).toEqual([]);

    const split = await app.module.get(ProfileSplitService).split(ids.c);
    expect(split).toMatchObject({ survivorId: ids.b, restoredIds: [ids.c] });

    // C gets back what it brought (its own and D's records); D follows C again.
    expect(await row(ids.c)).toEqual({ status: 'active', merged_into: null });
    expect(await sourcesOf(ids.c)).toEqual(['resplit-c', 'resplit-d', 'resplit-link-cd']);
    expect(await identifiersOf(ids.c)).toEqual(['resplit-c@acme.io', 'resplit-d@acme.io']);
    expect(await row(ids.d)).toEqual({ status: 'merged', merged_into: ids.c });
    // B stays merged into A, which keeps the rest, including the record that linked B and C.
    expect(await row(ids.b)).toEqual({ status: 'merged', merged_into: ids.a });
    expect(await sourcesOf(ids.a)).toEqual([
      'resplit-a',
      'resplit-b',
      'resplit-link-ab',
      'resplit-link-bc',
    ]);
    expect(await identifiersOf(ids.a)).toEqual(['resplit-a@acme.io', 'resplit-b@acme.io']);
    expect(await chains()).toEqual([]);

    // C is rebuilt from the records it holds again.
    const view = await app.module.get(ProfileQueryService).get(ids.c);
    expect(['C', 'D']).toContain(view.traits.firstName);
  });

  it('split gives back identifiers the restored records gained after the merge, so they do not merge again', async () => {
    const [crm, shop, helpdesk] = await app.createConnections(3);
    await app.ingestRecord({
      connectionId: crm,
      externalId: 'a',
      traits: { email: 'gain-a@acme.io' },
    });
    const shopB = buildIngestItem({
      connectionId: shop,
      externalId: 'b',
      updatedAt: '2024-05-02T00:00:00Z',
      traits: { email: 'gain-b@acme.io', firstName: 'Bea' },
    });
    await app.store.ingest([shopB], SYNC);
    const aId = await ownerOf('gain-a@acme.io');
    const bId = await ownerOf('gain-b@acme.io');
    await app.ingestRecord({
      connectionId: helpdesk,
      externalId: 'h',
      traits: { email: 'gain-a@acme.io' },
      identifiers: [{ type: 'email', value: 'gain-b@acme.io' }],
    });
    // The shop record changes its email while merged: the new email lands on A.
    const withNewEmail = (updatedAt: string, firstName: string) => ({
      ...shopB,
      record: { ...shopB.record, updatedAt, traits: { email: 'gain-b2@acme.io', firstName } },
    });
    await app.store.ingest([withNewEmail('2024-06-01T00:00:00Z', 'Bea')], SYNC);
    expect(await ownerOf('gain-b2@acme.io')).toBe(aId);

    await app.module.get(ProfileSplitService).split(bId, { blockIdentifier: true });
    expect(await ownerOf('gain-b2@acme.io')).toBe(bId);
    expect(await identifiersOf(aId)).toEqual(['gain-a@acme.io']);
    expect((await app.module.get(ProfileQueryService).get(bId)).traits).toMatchObject({
      email: 'gain-b2@acme.io',
    });

    // The next version of the shop record stays on B.
    const again = await app.store.ingest([withNewEmail('2024-07-01T00:00:00Z', 'Beatrice')], SYNC);
    expect(again.profilesMerged).toBe(0);
    expect(await row(bId)).toEqual({ status: 'active', merged_into: null });
    expect(await sourcesOf(bId)).toEqual(['b']);
    const found = await app.module
      .get(ProfileQueryService)
      .search({ email: 'gain-b2@acme.io', limit: 10 });
    expect(found.data.map((profile) => profile.id)).toEqual([bId]);
  });
});
