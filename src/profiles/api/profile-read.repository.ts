import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { KeysetPosition } from '../../common/pagination/cursor';
import {
  IdentityConflictEntity,
  ProfileChangeEntity,
  ProfileEntity,
  ProfileIdentifierEntity,
  ProfileMergeEntity,
  SourceRecordEntity,
} from '../entities';

export interface ProfileSearch {
  profileIds?: string[];
  text?: string;
  limit: number;
  after?: KeysetPosition;
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

  async ownerOfIdentifier(type: 'email' | 'phone', value: string): Promise<string | null> {
    const row = await this.identifiers.findOne({
      where: { type, value },
      select: { profileId: true },
    });
    return row?.profileId ?? null;
  }

  async ownerOfSource(connectionId: string, externalId: string): Promise<string | null> {
    const row = await this.sources.findOne({
      where: { connectionId, externalId },
      select: { profileId: true },
    });
    return row?.profileId ?? null;
  }

  /** Live (not merged) profiles, keyset-ordered by (createdAt, id); `limit + 1` rows. */
  search(search: ProfileSearch): Promise<ProfileEntity[]> {
    const query = this.profiles
      .createQueryBuilder('p')
      .where(`p.status <> 'merged'`)
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(search.limit + 1);
    if (search.profileIds) query.andWhere('p.id = ANY(:ids)', { ids: search.profileIds });
    if (search.text) {
      query.andWhere(`p.search_text ILIKE :text`, {
        text: `%${escapeLike(search.text.toLowerCase())}%`,
      });
    }
    if (search.after) {
      query.andWhere(
        new Brackets((where) =>
          where.where('(p.created_at, p.id) > (:createdAt, :id)', {
            createdAt: search.after?.createdAt,
            id: search.after?.id,
          }),
        ),
      );
    }
    return query.getMany();
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
  's.contentHash',
  's.deleted',
  's.traits',
  's.identifiers',
  's.receivedAt',
];

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
