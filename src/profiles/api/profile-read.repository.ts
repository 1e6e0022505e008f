import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  IdentityConflictEntity,
  ProfileChangeEntity,
  ProfileEntity,
  ProfileIdentifierEntity,
  ProfileMergeEntity,
  SourceRecordEntity,
} from '../entities';
import { ProfileSearch, profileSearchSql } from './profile-search-sql';

/** What a search returns per profile: the fields of a summary. */
export type ProfileSummaryRow = Pick<
  ProfileEntity,
  'id' | 'status' | 'traits' | 'createdAt' | 'updatedAt'
>;

/** A destination's push state for one profile, with the destination's name. */
export interface PushStatusRow {
  connectionId: string;
  connectionName: string;
  status: 'ok' | 'failed';
  externalId: string | null;
  lastPushedAt: Date | null;
  lastAttemptAt: Date;
  error: string | null;
}

/** Read-side queries for the profile API; writes go through ProfileStore and friends. */
@Injectable()
export class ProfileReadRepository {
  constructor(
    @InjectRepository(ProfileEntity) private readonly profiles: Repository<ProfileEntity>,
    @InjectRepository(ProfileIdentifierEntity)
    private readonly identifiers: Repository<ProfileIdentifierEntity>,
    @InjectRepository(SourceRecordEntity) private readonly sources: Repository<SourceRecordEntity>,
    @InjectRepository(ProfileMergeEntity) private readonly merges: Repository<ProfileMergeEntity>,
    @InjectRepository(ProfileChangeEntity)
    private readonly changes: Repository<ProfileChangeEntity>,
    @InjectRepository(IdentityConflictEntity)
    private readonly conflicts: Repository<IdentityConflictEntity>,
  ) {}

  findProfile(id: string): Promise<ProfileEntity | null> {
    return this.profiles.findOne({ where: { id } });
  }

  /** See profileSearchSql: one round trip, no query builder, on the path clients call most. */
  search(search: ProfileSearch): Promise<ProfileSummaryRow[]> {
    const { sql, params } = profileSearchSql(search);
    return this.profiles.query(sql, params) as Promise<ProfileSummaryRow[]>;
  }

  identifiersOf(profileIds: string[]): Promise<ProfileIdentifierEntity[]> {
    return this.identifiers
      .createQueryBuilder('i')
      .where('i.profile_id = ANY(:ids)', { ids: profileIds })
      .orderBy('i.type')
      .addOrderBy('i.value')
      .getMany();
  }

  sourcesOf(profileIds: string[], withRaw: boolean): Promise<SourceRecordEntity[]> {
    const query = this.sources
      .createQueryBuilder('s')
      .where('s.profile_id = ANY(:ids)', { ids: profileIds })
      .orderBy('s.connection_id')
      .addOrderBy('s.external_id');
    if (!withRaw) query.select(sourceColumnsWithoutRaw);
    return query.getMany();
  }

  conflictsOf(profileIds: string[]): Promise<IdentityConflictEntity[]> {
    return this.conflicts
      .createQueryBuilder('c')
      .where('c.profile_id = ANY(:ids) OR c.other_profile_ids && :ids::uuid[]', { ids: profileIds })
      .orderBy('c.created_at', 'ASC')
      .getMany();
  }

  /** What the outbound path last did for this profile at each destination. */
  pushesOf(profileId: string): Promise<PushStatusRow[]> {
    return this.profiles.query(
      `SELECT p.connection_id AS "connectionId", c.name AS "connectionName", p.status,
              p.external_id AS "externalId", p.pushed_at AS "lastPushedAt",
              p.attempted_at AS "lastAttemptAt", p.error
       FROM push_state p JOIN connection c ON c.id = p.connection_id
       WHERE p.profile_id = $1 ORDER BY c.name`,
      [profileId],
    ) as Promise<PushStatusRow[]>;
  }

  mergesOf(profileId: string): Promise<ProfileMergeEntity[]> {
    return this.merges
      .createQueryBuilder('m')
      .where('m.survivor_id = :id OR :id = ANY(m.merged_ids)', { id: profileId })
      .orderBy('m.created_at', 'ASC')
      .getMany();
  }

  /** Change-log rows after `afterSeq`, oldest first; `limit + 1` rows when limited. */
  changesOf(
    profileIds: string[],
    limit?: number,
    afterSeq?: string,
  ): Promise<ProfileChangeEntity[]> {
    const query = this.changes
      .createQueryBuilder('c')
      .where('c.profile_id = ANY(:ids)', { ids: profileIds })
      .orderBy('c.seq', 'ASC');
    if (afterSeq) query.andWhere('c.seq > :afterSeq', { afterSeq });
    if (limit) query.limit(limit + 1);
    return query.getMany();
  }

  /** Ids merged into the profile (redirect stubs). */
  async mergedInto(profileId: string): Promise<string[]> {
    const rows = await this.profiles.find({
      where: { mergedInto: profileId },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }
}

const sourceColumnsWithoutRaw = [
  's.connectionId',
  's.externalId',
  's.profileId',
  's.vendorUpdatedAt',
  's.observedAt',
  's.contentHash',
  's.deleted',
  's.traits',
  's.identifiers',
  's.receivedAt',
];
