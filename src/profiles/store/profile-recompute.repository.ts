import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { CONNECTION_RANKING, ConnectionRanking } from '../connections/connection-ranking';
import { ComputedTraits, TraitSource, computeTraits } from '../survivorship/compute-traits';
import { TraitChanges, diffTraits } from '../survivorship/diff-traits';
import { storeProvenance } from '../survivorship/stored-provenance';
import { ProfileStatus } from './batch-state';
import { queryRows } from '../../database/query-rows';

export interface RecomputedProfile extends ComputedTraits {
  id: string;
  before: { traits: CanonicalTraits; status: ProfileStatus };
  status: 'active' | 'closed';
  changes: TraitChanges;
}

/**
 * Rebuilds locked profiles from their own source records (survivorship) and saves them. Used
 * by split, which moves sources between profiles outside the ingest path. Every profile given
 * ends up not merged (its redirect is cleared): pass only profiles that hold their records — a
 * split's restored profiles and the one they come back from — never one that stays merged.
 */
@Injectable()
export class ProfileRecomputeRepository {
  constructor(@Inject(CONNECTION_RANKING) private readonly ranking: ConnectionRanking) {}

  async recompute(runner: QueryRunner, profileIds: string[]): Promise<RecomputedProfile[]> {
    const profiles = await queryRows<{
      id: string;
      traits: CanonicalTraits;
      status: ProfileStatus;
    }>(runner, `SELECT id, traits, status FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id`, [
      profileIds,
    ]);
    const sources = await queryRows<{
      profile_id: string;
      connection_id: string;
      external_id: string;
      vendor_updated_at: Date;
      deleted: boolean;
      traits: CanonicalTraits;
      trait_times: Record<string, string> | null;
      echoed_traits: string[] | null;
    }>(
      runner,
      `SELECT profile_id, connection_id, external_id, vendor_updated_at, deleted, traits, trait_times,
              echoed_traits
         FROM source_record WHERE profile_id = ANY($1::uuid[])`,
      [profileIds],
    );
    const { priorities, partialTraits } = await this.ranking.get(
      [...new Set(sources.map((s) => s.connection_id))],
      runner,
    );
    const results: RecomputedProfile[] = profiles.map((profile) => {
      const own: TraitSource[] = sources
        .filter((s) => s.profile_id === profile.id)
        .map((s) => ({
          connectionId: s.connection_id,
          externalId: s.external_id,
          updatedAt: s.vendor_updated_at.toISOString(),
          deleted: s.deleted,
          traits: s.traits,
          traitTimes: s.trait_times,
          echoedTraits: s.echoed_traits,
        }));
      const computed = computeTraits(own, priorities, partialTraits);
      return {
        id: profile.id,
        before: { traits: profile.traits, status: profile.status },
        ...computed,
        status: own.some((s) => !s.deleted) ? 'active' : 'closed',
        changes: diffTraits(profile.status === 'merged' ? {} : profile.traits, computed.traits),
      };
    });
    await queryRows(
      runner,
      `UPDATE profile p
          SET traits = r.traits, provenance = r.provenance, status = r.status, merged_into = NULL,
              updated_at = now()
         FROM json_to_recordset($1::json) AS r(id uuid, traits jsonb, provenance json, status text)
        WHERE p.id = r.id`,
      [
        JSON.stringify(
          results.map((r) => ({
            id: r.id,
            traits: r.traits,
            provenance: storeProvenance(r.provenance),
            status: r.status,
          })),
        ),
      ],
    );
    return results;
  }
}
