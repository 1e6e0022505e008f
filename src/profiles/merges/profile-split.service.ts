import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { Identifier } from '../identity/identifier';
import { insertChanges } from '../store/profile-batch.repository';
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

/**
 * Undoes a merge. Source records are kept, so each merged profile gets back the sources and
 * identifiers it brought (those still on the survivor) and all profiles are rebuilt from
 * their own records. Sources attached after the merge stay with the survivor.
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
    await queryRows(
      runner,
      `SELECT id FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[survivorId, ...restored].sort()],
    );
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
        [mergedId, moved.sources.map((s) => s[0]), moved.sources.map((s) => s[1]), survivorId],
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
          survivorId,
        ],
      );
    }
    // Profiles that had been merged into a restored profile redirect to it again.
    await queryRows(
      runner,
      `UPDATE profile p SET merged_into = m.survivor_id
         FROM profile_merge m
        WHERE m.survivor_id = ANY($1::uuid[]) AND m.split_at IS NULL AND p.id = ANY(m.merged_ids)
          AND p.merged_into = $2`,
      [restored, survivorId],
    );

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

    const rebuilt = await this.recompute.recompute(runner, [survivorId, ...restored]);
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
        ...(profile.id === survivorId ? { restoredIds: restored } : {}),
        traits: profile.changes,
      },
      cause,
    }));
    await insertChanges(runner, changes);
    return { mergeId: merge.id, survivorId, restoredIds: restored, blockedIdentifier };
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
