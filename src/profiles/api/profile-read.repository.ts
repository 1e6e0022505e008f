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
import type { Positioned } from '../../common/pagination/cursor';
import { KeysetRow, withPositions } from '../../common/pagination/keyset-query';
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

/** A push state as export shows it: which profile id it is kept under, and the fields pushed. */
export interface ExportedPushRow extends PushStatusRow {
  profileId: string;
  fields: Record<string, unknown>;
}

/** The canonical values sent to one destination (sent-values.ts), as export shows them. */
export interface ExportedSentValuesRow {
  connectionId: string;
  connectionName: string;
  profileId: string;
  traits: Record<string, unknown>;
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
  async search(search: ProfileSearch): Promise<Positioned<ProfileSummaryRow>[]> {
    const { sql, params } = profileSearchSql(search);
    const rows = (await this.profiles.query(sql, params)) as (ProfileSummaryRow & KeysetRow)[];
    return withPositions(rows, (row) => row);
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

  /** Every destination holding the person under any of these ids, with the fields it was sent. */
  exportedPushesOf(profileIds: string[]): Promise<ExportedPushRow[]> {
    return this.profiles.query(
      `SELECT p.profile_id AS "profileId", p.connection_id AS "connectionId",
              c.name AS "connectionName", p.status, p.external_id AS "externalId", p.fields,
              p.pushed_at AS "lastPushedAt", p.attempted_at AS "lastAttemptAt", p.error
       FROM push_state p JOIN connection c ON c.id = p.connection_id
       WHERE p.profile_id = ANY($1::uuid[]) ORDER BY c.name, p.profile_id`,
      [profileIds],
    ) as Promise<ExportedPushRow[]>;
  }

  /** The values sent to each destination for any of these ids, written or not. */
  exportedSentValuesOf(profileIds: string[]): Promise<ExportedSentValuesRow[]> {
    return this.profiles.query(
      `SELECT v.connection_id AS "connectionId", c.name AS "connectionName",
              v.profile_id AS "profileId", v.traits
       FROM push_sent_values v JOIN connection c ON c.id = v.connection_id
       WHERE v.profile_id = ANY($1::uuid[]) ORDER BY c.name, v.profile_id`,
      [profileIds],
    ) as Promise<ExportedSentValuesRow[]>;
  }

  /** Merges any of these profiles took part in, as survivor or merged. */
  mergesOfAny(profileIds: string[]): Promise<ProfileMergeEntity[]> {
    return this.merges
      .createQueryBuilder('m')
      .where('m.survivor_id = ANY(:ids) OR m.merged_ids && :ids::uuid[]', { ids: profileIds })
      .orderBy('m.created_at', 'ASC')
      .getMany();
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

  /**
   * The profile an id resolves to and every stub redirecting to it, root first; empty when the
   * id does not exist. One hop: a merged profile names its final survivor.
   */
  async redirectFamily(profileId: string): Promise<string[]> {
    const rows = (await this.profiles.query(
      `SELECT p.id FROM profile p,
              (SELECT coalesce(merged_into, id) AS id FROM profile WHERE id = $1) AS root
        WHERE p.id = root.id OR p.merged_into = root.id
        ORDER BY p.id <> root.id, p.id`,
      [profileId],
    )) as { id: string }[];
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
  's.traitTimes',
  's.echoedTraits',
  's.receivedAt',
];
