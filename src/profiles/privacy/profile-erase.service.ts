import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { Identifier, externalKey } from '../identity/identifier';
import { IdentityRaceError, insertChanges } from '../store/profile-batch.repository';
import { ChangeCause, ChangePayload } from '../store/write-plan';
import { queryRows } from '../../database/query-rows';
import { inTransaction } from '../store/transaction';
import { ErasedTraces, erasedValues, scrubChange } from './change-log-scrubber';
import { SuppressionHasher } from './suppression-hasher';

export interface EraseResult {
  erasedProfileIds: string[];
  suppressedIdentifiers: number;
}

/** Redirects followed while locking before retrying: merges that keep coming while we wait. */
const MAX_REDIRECT_HOPS = 4;

interface ErasedSource {
  connection_id: string;
  external_id: string;
  traits: Record<string, unknown>;
}

/**
 * Right to erasure: deletes the profile (and every id redirecting to it), its identifiers,
 * source records, merges and conflicts, nulls its change-log payloads and scrubs it from the
 * change log of the profiles it was merged with, leaving only salted SHA-256 hashes of its
 * identifiers, which make later ingests of the same person a no-op. One `erased` change-log
 * row (no personal data) lets outbound propagate the delete; `push_state` stays until then.
 *
 * Not touched: source records of other people that also carry the person's email or phone
 * (e.g. the record that linked a merge later split). They are those people's vendor data; the
 * suppression hashes stop them from syncing again.
 */
@Injectable()
export class ProfileEraseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: SuppressionHasher,
  ) {}

  erase(profileId: string, actor?: string): Promise<EraseResult> {
    return inTransaction(this.dataSource, (runner) => this.eraseIn(runner, profileId, actor));
  }

  private async eraseIn(
    runner: QueryRunner,
    profileId: string,
    actor?: string,
  ): Promise<EraseResult> {
    const rootId = await this.lockRoot(runner, profileId);
    const ids = await this.redirectFamily(runner, rootId);

    const identifiers = await queryRows<Identifier>(
      runner,
      `SELECT type, value FROM profile_identifier WHERE profile_id = ANY($1::uuid[])
       UNION
       SELECT e->>'type', e->>'value'
         FROM source_record s, json_array_elements(s.identifiers) e WHERE s.profile_id = ANY($1::uuid[])`,
      [ids],
    );
    const sources = await queryRows<ErasedSource>(
      runner,
      `SELECT connection_id, external_id, traits FROM source_record WHERE profile_id = ANY($1::uuid[])`,
      [ids],
    );
    const sourceKeys = sources.map((s) => externalKey(s.connection_id, s.external_id));
    const hashes = [
      ...identifiers.map((i) => this.hasher.hash(i.type, i.value)),
      ...sourceKeys.map((key) => this.hasher.hash('external', key)),
    ];
    await queryRows(
      runner,
      `INSERT INTO profile_suppression (hash) SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h
       ON CONFLICT DO NOTHING`,
      [hashes],
    );
    // A block a split set on one of these identifiers goes too: it holds the value in clear, and
    // the suppression hash just written is stronger (a record carrying the identifier is dropped
    // whole), so the two people stay apart.
    await queryRows(
      runner,
      `DELETE FROM identity_block b USING unnest($1::text[], $2::text[]) AS q(type, value)
        WHERE b.type = q.type AND b.value = q.value`,
      [identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
    );
    await this.deleteConflicts(runner, ids, identifiers, sources, sourceKeys);
    await this.scrubLinkedChangeLogs(runner, ids, {
      values: erasedValues(
        identifiers.map((i) => i.value),
        sources.map((s) => s.traits),
      ),
      sourceKeys: new Set(sourceKeys),
      mergeIds: new Set(),
    });
    await queryRows(
      runner,
      `DELETE FROM profile_merge WHERE survivor_id = ANY($1::uuid[]) OR merged_ids && $1::uuid[]`,
      [ids],
    );
    await queryRows(
      runner,
      `UPDATE profile_change SET changes = NULL, cause = NULL WHERE profile_id = ANY($1::uuid[])`,
      [ids],
    );
    // Identifiers and sources have no foreign key (migration 1732320000000): delete them here.
    await queryRows(runner, `DELETE FROM profile_identifier WHERE profile_id = ANY($1::uuid[])`, [
      ids,
    ]);
    await queryRows(runner, `DELETE FROM source_record WHERE profile_id = ANY($1::uuid[])`, [ids]);
    // The values sent to destinations are the person's data too; push_state (whom to delete
    // there, no values) stays until the erase reaches them.
    await queryRows(runner, `DELETE FROM push_sent_values WHERE profile_id = ANY($1::uuid[])`, [
      ids,
    ]);
    await queryRows(runner, `DELETE FROM profile WHERE id = ANY($1::uuid[])`, [ids]);
    await insertChanges(runner, [
      {
        profileId: rootId,
        kind: 'erased',
        changes: ids.length > 1 ? { mergedIds: ids.filter((id) => id !== rootId) } : {},
        cause: { kind: 'erase', ...(actor ? { actor } : {}) },
      },
    ]);
    return { erasedProfileIds: ids, suppressedIdentifiers: hashes.length };
  }

  /**
   * Locks the profile the id currently resolves to. Reading `merged_into` first and locking
   * after would let a merge that committed in between leave us holding a stub, so each hop is
   * read with FOR UPDATE, which waits for such a merge and then returns the row as it left it.
   */
  private async lockRoot(runner: QueryRunner, profileId: string): Promise<string> {
    let id = profileId;
    for (let hop = 0; hop < MAX_REDIRECT_HOPS; hop += 1) {
      const [row] = await queryRows<{ merged_into: string | null }>(
        runner,
        `SELECT merged_into FROM profile WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row && id === profileId) throw new NotFoundError(`Profile ${profileId} not found`);
      // The profile we were redirected to went away meanwhile: start over.
      if (!row) throw new IdentityRaceError(`profile ${id} disappeared while erasing`);
      if (row.merged_into === null) return id;
      id = row.merged_into;
    }
    throw new IdentityRaceError(
      `profile ${profileId} redirects more than ${MAX_REDIRECT_HOPS} times`,
    );
  }

  /**
   * The root and every stub redirecting to it. One hop is all there is: a merge names its final
   * survivor (ingest settles it, migration 1732368000000 flattened what came before).
   */
  private async redirectFamily(runner: QueryRunner, rootId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      runner,
      `SELECT id FROM profile WHERE id = $1 OR merged_into = $1 ORDER BY id`,
      [rootId],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Conflicts on these profiles go by cascade; these are the ones recorded on other profiles
   * that name the person: by profile id, by one of their identifiers, or by one of their records.
   */
  private async deleteConflicts(
    runner: QueryRunner,
    ids: string[],
    identifiers: Identifier[],
    sources: ErasedSource[],
    sourceKeys: string[],
  ): Promise<void> {
    await queryRows(
      runner,
      `DELETE FROM identity_conflict c
        WHERE c.other_profile_ids && $1::uuid[]
           OR (c.identifier_type, c.identifier_value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
           OR (c.connection_id, c.external_id) IN (SELECT * FROM unnest($4::uuid[], $5::text[]))`,
      [
        ids,
        [...identifiers.map((i) => i.type), ...sourceKeys.map(() => 'external')],
        [...identifiers.map((i) => i.value), ...sourceKeys],
        sources.map((s) => s.connection_id),
        sources.map((s) => s.external_id),
      ],
    );
  }

  /**
   * What "no trace" means for profiles the person was merged with (survivor or co-merged, split
   * since or not): their change log keeps its rows, so their own history stays readable, but
   * the rows of the shared merges keep only ids, and no row keeps a trait value, identifier or
   * record id that was the person's (see scrubChange). Profiles linked only through those
   * profiles' later merges are not searched: that would walk the whole merge graph.
   */
  private async scrubLinkedChangeLogs(
    runner: QueryRunner,
    ids: string[],
    traces: ErasedTraces,
  ): Promise<void> {
    const merges = await queryRows<{ id: string; profile_ids: string[] }>(
      runner,
      `SELECT id, array_append(merged_ids, survivor_id) AS profile_ids FROM profile_merge
        WHERE survivor_id = ANY($1::uuid[]) OR merged_ids && $1::uuid[]`,
      [ids],
    );
    const erased = new Set(ids);
    const linked = new Set(merges.flatMap((m) => m.profile_ids).filter((id) => !erased.has(id)));
    if (linked.size === 0) return;
    for (const merge of merges) traces.mergeIds.add(merge.id);
    const rows = await queryRows<{
      seq: string;
      changes: ChangePayload | null;
      cause: ChangeCause | null;
    }>(
      runner,
      `SELECT seq, changes, cause FROM profile_change
        WHERE profile_id = ANY($1::uuid[]) AND (changes IS NOT NULL OR cause IS NOT NULL)`,
      [[...linked]],
    );
    const scrubbed = rows.flatMap((row) => {
      const clean = scrubChange(row, traces);
      return clean ? [{ seq: row.seq, ...clean }] : [];
    });
    if (scrubbed.length === 0) return;
    await queryRows(
      runner,
      `UPDATE profile_change c SET changes = q.changes, cause = q.cause
         FROM jsonb_to_recordset($1::jsonb) AS q(seq bigint, changes jsonb, cause jsonb)
        WHERE c.seq = q.seq`,
      [JSON.stringify(scrubbed)],
    );
  }
}
