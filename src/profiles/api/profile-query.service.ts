import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { InvalidInputError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, encodeCursor, toPage } from '../../common/pagination/cursor';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import { ProfileExportDto } from './dto/profile-export.dto';
import { ProfileHistoryDto } from './dto/profile-history.dto';
import { ProfileDetailDto, ProfilePageDto } from './dto/profile.dto';
import { ProfileSearchQueryDto } from './dto/profile-search-query.dto';
import {
  presentChange,
  presentConflict,
  presentExportedSource,
  presentMerge,
  presentSource,
  presentSummary,
} from './profile-presenter';
import { ProfileReadRepository } from './profile-read.repository';

/** Search, details, history and export: the read side of the profile API. */
@Injectable()
export class ProfileQueryService {
  constructor(
    private readonly reads: ProfileReadRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'defaultPhoneRegion'>,
  ) {}

  async search(query: ProfileSearchQueryDto): Promise<ProfilePageDto> {
    const owners = await this.identifierOwners(query);
    if (owners && owners.some((owner) => owner === null)) return { data: [], nextCursor: null };
    const ids = owners ? [...new Set(owners as string[])] : undefined;
    if (ids && ids.length > 1) return { data: [], nextCursor: null }; // identifiers of different people
    const rows = await this.reads.search({
      profileIds: ids,
      text: query.q,
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    return toPage(rows, query.limit, presentSummary);
  }

  async get(id: string): Promise<ProfileDetailDto> {
    const profile = await this.reads.findProfile(id);
    if (!profile) throw new NotFoundError(`Profile ${id} not found`);
    const [identifiers, sources, conflicts] = await Promise.all([
      this.reads.identifiersOf([id]),
      this.reads.sourcesOf([id], false),
      this.reads.conflictsOf([id]),
    ]);
    return {
      ...presentSummary(profile),
      mergedInto: profile.mergedInto,
      provenance: profile.provenance,
      identifiers: [
        ...identifiers.map((i) => ({ type: i.type, value: i.value })),
        ...sources.map((s) => ({ type: 'external', value: `${s.connectionId}:${s.externalId}` })),
      ],
      sources: sources.map(presentSource),
      conflicts: conflicts.map(presentConflict),
    };
  }

  async history(id: string, limit: number, cursor?: string): Promise<ProfileHistoryDto> {
    const profile = await this.reads.findProfile(id);
    if (!profile) throw new NotFoundError(`Profile ${id} not found`);
    const after = decodeCursor(cursor);
    const [changes, merges] = await Promise.all([
      this.reads.changesOf([id], limit, after?.id),
      this.reads.mergesOf(id),
    ]);
    const visible = changes.slice(0, limit);
    const last = visible[visible.length - 1];
    return {
      data: visible.map(presentChange),
      nextCursor:
        changes.length > limit && last
          ? encodeCursor({ createdAt: last.createdAt, id: String(last.seq) })
          : null,
      merges: merges.map(presentMerge),
    };
  }

  async export(id: string): Promise<ProfileExportDto> {
    const requested = await this.reads.findProfile(id);
    if (!requested) throw new NotFoundError(`Profile ${id} not found`);
    const survivorId = requested.mergedInto ?? requested.id;
    const survivor = survivorId === id ? requested : await this.reads.findProfile(survivorId);
    if (!survivor) throw new NotFoundError(`Profile ${id} not found`);
    const ids = [survivorId, ...(await this.reads.mergedInto(survivorId))];
    const profiles = await Promise.all(ids.map((profileId) => this.reads.findProfile(profileId)));
    const [identifiers, sources, conflicts, changes, merges] = await Promise.all([
      this.reads.identifiersOf(ids),
      this.reads.sourcesOf(ids, true),
      this.reads.conflictsOf(ids),
      this.reads.changesOf(ids),
      this.reads.mergesOf(survivorId),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      profiles: profiles.filter((p) => p !== null).map(presentSummary),
      provenance: survivor.provenance,
      identifiers: [
        ...identifiers.map((i) => ({ type: i.type, value: i.value })),
        ...sources.map((s) => ({ type: 'external', value: `${s.connectionId}:${s.externalId}` })),
      ],
      sources: sources.map(presentExportedSource),
      merges: merges.map(presentMerge),
      conflicts: conflicts.map(presentConflict),
      changes: changes.map(presentChange),
    };
  }

  /** Owner per identifier filter given (null = no such identifier), or undefined when none given. */
  private async identifierOwners(
    query: ProfileSearchQueryDto,
  ): Promise<(string | null)[] | undefined> {
    const lookups: Promise<string | null>[] = [];
    if (query.email !== undefined) {
      const email = normalizeEmail(query.email);
      if (!email)
        throw new InvalidInputError([{ field: 'email', message: 'is not a valid email address' }]);
      lookups.push(this.reads.ownerOfIdentifier('email', email));
    }
    if (query.phone !== undefined) {
      const phone = normalizePhone(query.phone, this.config.defaultPhoneRegion);
      if (!phone)
        throw new InvalidInputError([{ field: 'phone', message: 'is not a valid phone number' }]);
      lookups.push(this.reads.ownerOfIdentifier('phone', phone));
    }
    if (query.externalId !== undefined) {
      const separator = query.externalId.indexOf(':');
      lookups.push(
        this.reads.ownerOfSource(
          query.externalId.slice(0, separator).toLowerCase(),
          query.externalId.slice(separator + 1),
        ),
      );
    }
    return lookups.length > 0 ? Promise.all(lookups) : undefined;
  }
}
