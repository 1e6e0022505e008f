import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { Identifier, externalKey } from '../identity/identifier';
import { insertChanges } from '../store/profile-batch.repository';
import { queryRows } from '../../database/query-rows';
import { inTransaction } from '../store/transaction';
import { SuppressionHasher } from './suppression-hasher';

export interface EraseResult {
  erasedProfileIds: string[];
  suppressedIdentifiers: number;
}

/**
 * Right to erasure: deletes the profile (and the ids merged into it), its identifiers, source
 * records, merges, conflicts and change-log payloads, leaving only salted SHA-256 hashes of its
 * identifiers, which make later ingests of the same person a no-op. One `erased` change-log row
 * (no personal data) lets outbound propagate the delete.
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
    const [target] = await queryRows<{ id: string }>(
      runner,
      `SELECT coalesce(merged_into, id) AS id FROM profile WHERE id = $1`,
      [profileId],
    );
    if (!target) throw new NotFoundError(`Profile ${profileId} not found`);
    await queryRows(runner, `SELECT id FROM profile WHERE id = $1 FOR UPDATE`, [target.id]);
    const ids = (
      await queryRows<{ id: string }>(
        runner,
        `SELECT id FROM profile WHERE id = $1 OR merged_into = $1 ORDER BY id`,
        [target.id],
      )
    ).map((row) => row.id);
    if (ids.length === 0) throw new NotFoundError(`Profile ${profileId} not found`);

    const identifiers = await queryRows<Identifier>(
      runner,
      `SELECT type, value FROM profile_identifier WHERE profile_id = ANY($1::uuid[])
       UNION
       SELECT e->>'type', e->>'value'
         FROM source_record s, json_array_elements(s.identifiers) e WHERE s.profile_id = ANY($1::uuid[])`,
      [ids],
    );
    const sources = await queryRows<{ connection_id: string; external_id: string }>(
      runner,
      `SELECT connection_id, external_id FROM source_record WHERE profile_id = ANY($1::uuid[])`,
      [ids],
    );
    const hashes = [
      ...identifiers.map((i) => this.hasher.hash(i.type, i.value)),
      ...sources.map((s) =>
        this.hasher.hash('external', externalKey(s.connection_id, s.external_id)),
      ),
    ];
    await queryRows(
      runner,
      `INSERT INTO profile_suppression (hash) SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h
       ON CONFLICT DO NOTHING`,
      [hashes],
    );
    await queryRows(
      runner,
      `DELETE FROM identity_block b USING unnest($1::text[], $2::text[]) AS q(type, value)
        WHERE b.type = q.type AND b.value = q.value`,
      [identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
    );
    await queryRows(
      runner,
      `DELETE FROM identity_conflict c USING unnest($1::uuid[], $2::text[]) AS q(connection_id, external_id)
        WHERE (c.connection_id = q.connection_id AND c.external_id = q.external_id)`,
      [sources.map((s) => s.connection_id), sources.map((s) => s.external_id)],
    );
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
    // Cascades to the conflicts recorded on these profiles.
    await queryRows(runner, `DELETE FROM profile WHERE id = ANY($1::uuid[])`, [ids]);
    await insertChanges(runner, [
      {
        profileId: target.id,
        kind: 'erased',
        changes: ids.length > 1 ? { mergedIds: ids.filter((id) => id !== target.id) } : {},
        cause: { kind: 'erase', ...(actor ? { actor } : {}) },
      },
    ]);
    return { erasedProfileIds: ids, suppressedIdentifiers: hashes.length };
  }
}
