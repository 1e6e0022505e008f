import { ProfileQueryService } from '../../../src/profiles/api/profile-query.service';
import { ProfileSplitService } from '../../../src/profiles/merges/profile-split.service';
import { ProfileEraseService } from '../../../src/profiles/privacy/profile-erase.service';
import { createConnection } from '../../factories/connection-row.factory';
import { buildIngestItem } from '../../factories/ingest-item.factory';
import { ProfilesTestApp, createProfilesTestApp } from './profiles-test-app';

const SYNC = { kind: 'sync' as const };

/** Tables erase cleans of the person. */
const ERASED_TABLES = [
  'profile',
  'profile_identifier',
  'source_record',
  'profile_merge',
  'identity_conflict',
  'profile_change',
  'identity_block',
  'push_sent_values',
];
/**
 * Another person's source record may also carry the erased email (the record that linked a
 * merge later split): that is their vendor data, which erase leaves, so some checks skip it.
 */
const ERASED_TABLES_BUT_SOURCES = ERASED_TABLES.filter((table) => table !== 'source_record');

describe('erase and export reach everything held about the person (real PostgreSQL)', () => {
  let app: ProfilesTestApp;
  let crm: string;
  let shop: string;
  let helpdesk: string;
  let eraser: ProfileEraseService;
  let queries: ProfileQueryService;

  beforeAll(async () => {
    app = await createProfilesTestApp();
    [crm, shop, helpdesk] = await app.createConnections(3);
    eraser = app.module.get(ProfileEraseService);
    queries = app.module.get(ProfileQueryService);
  });
  afterAll(() => app.close());

  const ownerOf = (value: string) => app.requireOwner(value);
  /** Every row of the tables, as text, to search for a person's data. */
  const dump = async (tables = ERASED_TABLES) => {
    const parts = tables.map((table) => `(SELECT string_agg(t::text, '|') FROM ${table} t)`);
    return (
      await app.env.sql<{ dump: string }>(`SELECT concat_ws('|', ${parts.join(', ')}) AS dump`)
    )[0].dump;
  };
  const ingestOne = (connectionId: string, externalId: string, traits: Record<string, string>) =>
    app.ingestRecord({ connectionId, externalId, traits });

  it('removes conflicts recorded on another profile that name the erased one', async () => {
    await ingestOne(crm, 'cf-1', { email: 'cf-p1@acme.io' });
    await ingestOne(crm, 'cf-2', { email: 'cf-p2@acme.io' });
    const p1 = await ownerOf('cf-p1@acme.io');
    const p2 = await ownerOf('cf-p2@acme.io');
    // Merging them would give one profile two CRM records: a merge-limit conflict instead.
    await app.ingestRecord({
      connectionId: helpdesk,
      externalId: 'cf-h',
      traits: { email: 'cf-p1@acme.io' },
      identifiers: [{ type: 'email', value: 'cf-p2@acme.io' }],
    });
    const naming = `SELECT profile_id FROM identity_conflict
                     WHERE $1 = ANY(other_profile_ids) OR identifier_value = 'cf-p2@acme.io'`;
    expect(await app.env.sql(naming, [p2])).toEqual([{ profile_id: p1 }]);

    await eraser.erase(p2);

    expect(await app.env.sql(naming, [p2])).toEqual([]);
    expect(await dump(ERASED_TABLES_BUT_SOURCES)).not.toContain('cf-p2');
    expect(await ownerOf('cf-p1@acme.io')).toBe(p1);
  });

  it('scrubs the erased person from the change log of a profile it was merged into and split from', async () => {
    await ingestOne(crm, 'ms-a', { email: 'ms-a@acme.io', firstName: 'Ann' });
    await app.ingestRecord({
      connectionId: shop,
      externalId: 'ms-b',
      updatedAt: '2024-05-02T00:00:00Z',
      traits: { email: 'ms-b@acme.io', firstName: 'Brunhilde', lastName: 'Bergmann' },
    });
    const aId = await ownerOf('ms-a@acme.io');
    const bId = await ownerOf('ms-b@acme.io');
    await app.ingestRecord({
      connectionId: helpdesk,
      externalId: 'ms-h',
      traits: { email: 'ms-a@acme.io' },
      identifiers: [{ type: 'email', value: 'ms-b@acme.io' }],
    });
    expect(await ownerOf('ms-b@acme.io')).toBe(aId);
    const { mergeId } = await app.module.get(ProfileSplitService).split(aId);
    const aHistory = `SELECT kind, changes::text AS changes, cause::text AS cause
                        FROM profile_change WHERE profile_id = $1 ORDER BY seq`;
    expect(JSON.stringify(await app.env.sql(aHistory, [aId]))).toContain('Bergmann');

    await eraser.erase(bId);

    const after = await app.env.sql<{ kind: string; changes: string }>(aHistory, [aId]);
    const text = JSON.stringify(after) + (await dump(ERASED_TABLES_BUT_SOURCES));
    for (const needle of ['ms-b@acme.io', 'Brunhilde', 'Bergmann', 'ms-b"']) {
      expect(text).not.toContain(needle);
    }
    // A keeps its own history, and the merge and split rows still say which merge they were.
    expect(after.map((row) => row.kind)).toEqual(['created', 'merged', 'updated', 'split']);
    const merged = after.find((row) => row.kind === 'merged');
    expect(JSON.parse(merged?.changes ?? '{}')).toEqual({ mergeId, mergedIds: [bId] });
    expect(text).toContain('Ann');
  });

  it('erases the profile a concurrent merge moved the person into while erase waited for the lock', async () => {
    await ingestOne(crm, 'race-z', { email: 'race-z@acme.io' });
    await ingestOne(shop, 'race-p', { email: 'race-p@acme.io', lastName: 'Racer' });
    const zId = await ownerOf('race-z@acme.io');
    const pId = await ownerOf('race-p@acme.io');

    // Another transaction holds P's lock and merges P into the older Z while erase(P) waits.
    const merger = app.dataSource.createQueryRunner();
    await merger.connect();
    await merger.startTransaction();
    try {
      await merger.query(`SELECT id FROM profile WHERE id = $1 FOR UPDATE`, [pId]);
      const erasing = eraser.erase(pId);
      await waitForLockWaiter();
      await merger.query(`UPDATE profile_identifier SET profile_id = $1 WHERE profile_id = $2`, [
        zId,
        pId,
      ]);
      await merger.query(`UPDATE source_record SET profile_id = $1 WHERE profile_id = $2`, [
        zId,
        pId,
      ]);
      await merger.query(
        `UPDATE profile SET status = 'merged', merged_into = $1, traits = '{}' WHERE id = $2`,
        [zId, pId],
      );
      await merger.commitTransaction();

      const result = await erasing;
      expect(result.erasedProfileIds.sort()).toEqual([pId, zId].sort());
    } finally {
      await merger.release();
    }
    expect(
      await app.env.sql(`SELECT id FROM profile WHERE id = ANY($1::uuid[])`, [[pId, zId]]),
    ).toEqual([]);
    const text = await dump();
    for (const needle of ['race-z@', 'race-p@', 'Racer']) expect(text).not.toContain(needle);
    const again = await ingestOne(shop, 'race-p', { email: 'race-p@acme.io' });
    expect(again.suppressed).toBe(1);
  });

  it('covers the whole merge family from any stub: export shows all of it, erase removes all of it', async () => {
    const people = ['ch-a', 'ch-b', 'ch-c', 'ch-d'];
    for (const name of people) await ingestOne(crm, name, { email: `${name}@acme.io` });
    const ids: string[] = [];
    for (const name of people) ids.push(await ownerOf(`${name}@acme.io`));
    const [aId, bId, cId, dId] = ids;
    // D merged into C, C into B, B into A: the merge rows keep each survivor of the time, and
    // every stub names the final one (as ingest writes it, and migration 1732368000000 left it).
    for (const [stub, survivor] of [
      [dId, cId],
      [cId, bId],
      [bId, aId],
    ]) {
      await app.env.sql(
        `INSERT INTO profile_merge (survivor_id, merged_ids, identifier_type, identifier_value, cause, moved)
         VALUES ($1, ARRAY[$2::uuid], 'email', 'linked@acme.io', '{"kind":"sync"}', '{}')`,
        [survivor, stub],
      );
      await app.env.sql(
        `UPDATE profile SET status = 'merged', merged_into = $1, traits = '{}' WHERE id = $2`,
        [aId, stub],
      );
    }
    await app.env.sql(
      `UPDATE profile_identifier SET profile_id = $1 WHERE profile_id = ANY($2::uuid[])`,
      [aId, [bId, cId, dId]],
    );
    await app.env.sql(
      `UPDATE source_record SET profile_id = $1 WHERE profile_id = ANY($2::uuid[])`,
      [aId, [bId, cId, dId]],
    );
    const destination = await createConnection(app.env.sql);
    await app.env.sql(
      `INSERT INTO push_state (connection_id, profile_id, external_id, fields, status, pushed_at)
       VALUES ($1, $2, 'dest-7', '{"email":"ch-d@acme.io"}', 'ok', now())`,
      [destination, cId],
    );
    const sentValues = {
      firstName: [
        { value: 'ch-d', setAt: '2025-01-01T00:00:00.000Z', sentAt: '2025-01-02T00:00:00.000Z' },
      ],
    };
    await app.env.sql(
      `INSERT INTO push_sent_values (profile_id, connection_id, traits) VALUES ($1, $2, $3)`,
      [cId, destination, JSON.stringify(sentValues)],
    );

    const exported = await queries.export(dId);
    expect(exported.profiles.map((p) => p.id).sort()).toEqual([aId, bId, cId, dId].sort());
    expect(exported.sources.map((s) => s.externalId).sort()).toEqual(people);
    expect(exported.merges.map((m) => m.survivorId).sort()).toEqual([aId, bId, cId].sort());
    expect(exported.pushes).toEqual([
      expect.objectContaining({
        profileId: cId,
        connectionId: destination,
        externalId: 'dest-7',
        status: 'ok',
        fields: { email: 'ch-d@acme.io' },
      }),
    ]);
    expect(exported.sentValues).toEqual([
      expect.objectContaining({ profileId: cId, connectionId: destination, traits: sentValues }),
    ]);

    const result = await eraser.erase(dId);

    expect(result.erasedProfileIds.sort()).toEqual([aId, bId, cId, dId].sort());
    const text = await dump();
    for (const name of people) expect(text).not.toContain(name);
    const [erased] = await app.env.sql<{ profile_id: string; changes: { mergedIds: string[] } }>(
      `SELECT profile_id, changes FROM profile_change WHERE kind = 'erased' AND profile_id = $1`,
      [aId],
    );
    expect(erased.changes.mergedIds.sort()).toEqual([bId, cId, dId].sort());
  });

  it('keeps a split apart after erasing one side: the blocked identifier is suppressed instead', async () => {
    await ingestOne(crm, 'bl-a', { email: 'bl-a@acme.io' });
    await ingestOne(shop, 'bl-b', { email: 'bl-b@acme.io', lastName: 'Blocked' });
    const aId = await ownerOf('bl-a@acme.io');
    const bId = await ownerOf('bl-b@acme.io');
    const linker = buildIngestItem({
      connectionId: helpdesk,
      externalId: 'bl-h',
      traits: { email: 'bl-a@acme.io' },
      identifiers: [{ type: 'email', value: 'bl-b@acme.io' }],
    });
    await app.store.ingest([linker], SYNC);
    await app.module.get(ProfileSplitService).split(aId, { blockIdentifier: true });

    await eraser.erase(bId);

    // The block row (the erased email in clear) is gone, but the email's suppression hash
    // does its job: the linking record cannot bring the erased person back onto A.
    expect(await app.env.sql(`SELECT 1 FROM identity_block WHERE value = 'bl-b@acme.io'`)).toEqual(
      [],
    );
    const again = await app.store.ingest(
      [{ ...linker, record: { ...linker.record, updatedAt: '2025-01-01T00:00:00Z' } }],
      SYNC,
    );
    expect(again.suppressed).toBe(1);
    expect(await app.ownerOf('bl-b@acme.io')).toBeUndefined();
    const [a] = await app.env.sql<{ status: string }>(`SELECT status FROM profile WHERE id = $1`, [
      aId,
    ]);
    expect(a.status).toBe('active');
  });

  /** Resolves once some backend of this test's database waits for a row lock. */
  async function waitForLockWaiter(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const [row] = await app.env.sql<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (Number(row.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('erase never waited for the lock');
  }
});
