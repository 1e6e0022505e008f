import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { Identifier } from '../identity/identifier';
import { IdentityRaceError, insertChanges } from '../store/profile-batch.repository';
import { ProfileRecomputeRepository } from '../store/profile-recompute.repository';
import { queryRows } from '../../database/query-rows';
import { inTransaction } from '../store/transaction';
import { ChangeRow, MergeRow } from '../store/write-plan';

export interface SplitOptions {
  /** A specific merge to undo; default: the latest merge involving the profile that is not split yet. */
  mergeId?: string;
  /** Also block the identifier that linked the profiles, so the next sync does not merge them again. */
  blockIdentifier?: boolean;
  /** Who asked (token id), kept on the merge row. */
  actor?: string;
}

export interface SplitResult {
  mergeId: string;
  survivorId: string;
  restoredIds: string[];
  blockedIdentifier: Identifier | null;
}

interface MergeRecord {
  id: string;
  survivor_id: string;
  merged_ids: string[];
  identifier_type: string;
  identifier_value: string;
  moved: MergeRow['moved'];
}

/** More lock rounds than this means the survivor keeps being merged under us: retry. */
const MAX_LOCK_ROUNDS = 4;

/**
 * Undoes a merge. Source records are kept, so each merged profile gets back the sources and
 * identifiers it brought from whoever holds them now — the survivor, or the profile the survivor
 * has itself been merged into since, which stays merged — plus the identifiers that only its
 * own records carry (added after the merge). The holder and the restored profiles are rebuilt
 * from their own records. Sources attached after the merge stay with the holder.
 */
@Injectable()
export class ProfileSplitService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recompute: ProfileRecomputeRepository,
  ) {}

  split(profileId: string, options: SplitOptions = {}): Promise<SplitResult> {
    return inTransaction(this.dataSource, (runner) => this.splitIn(runner, profileId, options));
  }

  private async splitIn(
    runner: QueryRunner,
    profileId: string,
    options: SplitOptions,
  ): Promise<SplitResult> {
    const merge = await this.findMerge(runner, profileId, options.mergeId);
    const survivorId = merge.survivor_id;
    const restored = merge.merged_ids;
    const holderId = await this.lockMerge(runner, merge);
    const [current] = await queryRows<{ split_at: Date | null }>(
      runner,
      `SELECT split_at FROM profile_merge WHERE id = $1`,
      [merge.id],
    );
    if (current?.split_at) throw new ConflictError(`Merge ${merge.id} was already split`);

    for (const mergedId of restored) {
      const moved = merge.moved[mergedId] ?? { sources: [], identifiers: [] };
      await queryRows(
        runner,
        `UPDATE source_record s SET profile_id = $1
           FROM unnest($2::uuid[], $3::text[]) AS q(connection_id, external_id)
          WHERE s.connection_id = q.connection_id AND s.external_id = q.external_id AND s.profile_id = $4`,
        [mergedId, moved.sources.map((s) => s[0]), moved.sources.map((s) => s[1]), holderId],
      );
      await queryRows(
        runner,
        `UPDATE profile_identifier i SET profile_id = $1
           FROM unnest($2::text[], $3::text[]) AS q(type, value)
          WHERE i.type = q.type AND i.value = q.value AND i.profile_id = $4`,
        [
          mergedId,
          moved.identifiers.map((i) => i.type),
          moved.identifiers.map((i) => i.value),
          holderId,
        ],
      );
    }
    await this.reclaimCarriedIdentifiers(runner, holderId, restored);
    await this.redirectAbsorbed(runner, restored);

    let blockedIdentifier: Identifier | null = null;
    if (options.blockIdentifier && merge.identifier_type !== 'external') {
      blockedIdentifier = {
        type: merge.identifier_type,
        value: merge.identifier_value,
      } as Identifier;
      await queryRows(
        runner,
        `INSERT INTO identity_block (type, value, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [blockedIdentifier.type, blockedIdentifier.value, `split of merge ${merge.id}`],
      );
      await queryRows(runner, `DELETE FROM profile_identifier WHERE type = $1 AND value = $2`, [
        blockedIdentifier.type,
        blockedIdentifier.value,
      ]);
    }

    // The survivor itself is not rebuilt when it was merged since: it holds nothing and stays merged.
    const rebuilt = await this.recompute.recompute(runner, [holderId, ...restored]);
    await queryRows(
      runner,
      `UPDATE profile_merge SET split_at = now(), split_by = $2 WHERE id = $1`,
      [merge.id, options.actor ?? null],
    );
    const cause = { kind: 'split' as const, ...(options.actor ? { actor: options.actor } : {}) };
    const changes: ChangeRow[] = rebuilt.map((profile) => ({
      profileId: profile.id,
      kind: 'split',
      changes: {
        mergeId: merge.id,
        ...(profile.id === holderId ? { restoredIds: restored } : {}),
        traits: profile.changes,
      },
      cause,
    }));
    await insertChanges(runner, changes);
    return { mergeId: merge.id, survivorId, restoredIds: restored, blockedIdentifier };
  }

  /**
   * Locks the merge's profiles and the one holding what the merge moved: the survivor, or the
   * profile it was merged into since (a merged profile names its final survivor, so one hop).
   * Ingest only merges profiles it has locked, so once the holder is locked and still not
   * merged, it stays the holder until commit.
   */
  private async lockMerge(runner: QueryRunner, merge: MergeRecord): Promise<string> {
    const locked = new Set<string>();
    let wanted = [merge.survivor_id, ...merge.merged_ids];
    for (let round = 0; round < MAX_LOCK_ROUNDS; round += 1) {
      await queryRows(
        runner,
        `SELECT id FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [[...wanted].sort()],
      );
      for (const id of wanted) locked.add(id);
      const [holder] = await queryRows<{ id: string }>(
        runner,
        `SELECT coalesce(merged_into, id) AS id FROM profile WHERE id = $1`,
        [merge.survivor_id],
      );
      if (!holder)
        throw new NotFoundError(`Survivor ${merge.survivor_id} of merge ${merge.id} not found`);
      if (locked.has(holder.id)) return holder.id;
      wanted = [holder.id];
    }
    throw new IdentityRaceError('the survivor kept being merged while locking');
  }

  /**
   * Identifiers the holder owns that only the restored profiles' own records carry — added by
   * an update after the merge, so the merge row does not list them — go back with the records.
   * Left on the holder, the next version of such a record would merge the profiles again.
   */
  private async reclaimCarriedIdentifiers(
    runner: QueryRunner,
    holderId: string,
    restored: string[],
  ): Promise<void> {
    await queryRows(
      runner,
      `UPDATE profile_identifier i SET profile_id = c.profile_id
         FROM (SELECT DISTINCT ON (e->>'type', e->>'value') s.profile_id, e->>'type' AS type,
                      e->>'value' AS value
                 FROM source_record s, json_array_elements(s.identifiers) e
                WHERE s.profile_id = ANY($2::uuid[])
                ORDER BY e->>'type', e->>'value', s.profile_id) c
        WHERE i.profile_id = $1 AND i.type = c.type AND i.value = c.value
          AND NOT EXISTS (
                SELECT 1 FROM source_record s, json_array_elements(s.identifiers) e
                 WHERE s.profile_id = $1 AND e->>'type' = i.type AND e->>'value' = i.value)`,
      [holderId, restored],
    );
  }

  /**
   * Profiles absorbed by a restored profile through merges not split (directly or further
   * down) redirect to it again: they point at the holder, as redirects name the final survivor.
   */
  private async redirectAbsorbed(runner: QueryRunner, restored: string[]): Promise<void> {
    await queryRows(
      runner,
      `WITH RECURSIVE absorbed(id, root) AS (
         SELECT r, r FROM unnest($1::uuid[]) AS r
         UNION
         SELECT merged.id, a.root
           FROM absorbed a
           JOIN profile_merge m ON m.survivor_id = a.id AND m.split_at IS NULL
           CROSS JOIN unnest(m.merged_ids) AS merged(id)
       )
       UPDATE profile p SET merged_into = a.root, updated_at = now()
         FROM absorbed a
        WHERE p.id = a.id AND p.id <> a.root AND p.status = 'merged'`,
      [restored],
    );
  }

  private async findMerge(
    runner: QueryRunner,
    profileId: string,
    mergeId?: string,
  ): Promise<MergeRecord> {
    const exists = await queryRows(runner, `SELECT 1 FROM profile WHERE id = $1`, [profileId]);
    if (exists.length === 0) throw new NotFoundError(`Profile ${profileId} not found`);
    const [merge] = await queryRows<MergeRecord>(
      runner,
      `SELECT id, survivor_id, merged_ids, identifier_type, identifier_value, moved
         FROM profile_merge
        WHERE split_at IS NULL AND (survivor_id = $1 OR $1 = ANY(merged_ids))
          AND ($2::uuid IS NULL OR id = $2::uuid)
        ORDER BY created_at DESC, id DESC
        LIMIT 1`,
      [profileId, mergeId ?? null],
    );
    if (!merge) {
      throw new ConflictError(
        mergeId
          ? `Merge ${mergeId} does not involve profile ${profileId} or was already split`
          : `Profile ${profileId} has no merge to split`,
      );
    }
    return merge;
  }
}
