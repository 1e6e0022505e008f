import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { InvalidInputError, NotFoundError } from '../../common/errors/domain-error';
import { isUuid } from '../../common/ids/is-uuid';
import { decodeCursor, encodeCursor, toPage } from '../../common/pagination/cursor';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import { readProvenance } from '../survivorship/stored-provenance';
import { ProfileExportDto } from './dto/profile-export.dto';
import { ProfileHistoryDto } from './dto/profile-history.dto';
import { ProfileDetailDto, ProfilePageDto } from './dto/profile.dto';
import { ProfileSearchQueryDto } from './dto/profile-search-query.dto';
import {
  presentChange,
  presentConflict,
  presentExportedPush,
  presentExportedSource,
  presentMerge,
  presentPush,
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
    const rows = await this.reads.search({
      email: query.email === undefined ? undefined : this.email(query.email),
      phone: query.phone === undefined ? undefined : this.phone(query.phone),
      source: query.externalId === undefined ? undefined : externalRef(query.externalId),
      text: query.q,
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    return toPage(rows, query.limit, presentSummary);
  }

  async get(id: string): Promise<ProfileDetailDto> {
    const profile = await this.reads.findProfile(id);
    if (!profile) throw new NotFoundError(`Profile ${id} not found`);
    const [identifiers, sources, conflicts, pushes] = await Promise.all([
      this.reads.identifiersOf([id]),
      this.reads.sourcesOf([id], false),
      this.reads.conflictsOf([id]),
      this.reads.pushesOf(id),
    ]);
    return {
      ...presentSummary(profile),
      mergedInto: profile.mergedInto,
      provenance: readProvenance(profile.provenance),
      identifiers: [
        ...identifiers.map((i) => ({ type: i.type, value: i.value })),
        ...sources.map((s) => ({ type: 'external', value: `${s.connectionId}:${s.externalId}` })),
      ],
      sources: sources.map(presentSource),
      conflicts: conflicts.map(presentConflict),
      pushes: pushes.map(presentPush),
    };
  }

  async history(id: string, limit: number, cursor?: string): Promise<ProfileHistoryDto> {
    const profile = await this.reads.findProfile(id);
    if (!profile) throw new NotFoundError(`Profile ${id} not found`);
    const after = decodeCursor(cursor, isChangeSeq);
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
          ? encodeCursor({ at: last.createdAt.toISOString(), id: String(last.seq) })
          : null,
      merges: merges.map(presentMerge),
    };
  }

  async export(id: string): Promise<ProfileExportDto> {
    const ids = await this.reads.redirectFamily(id);
    const [survivorId] = ids;
    if (survivorId === undefined) throw new NotFoundError(`Profile ${id} not found`);
    const profiles = await Promise.all(ids.map((profileId) => this.reads.findProfile(profileId)));
    const survivor = profiles[0];
    if (!survivor) throw new NotFoundError(`Profile ${id} not found`);
    const [identifiers, sources, conflicts, changes, merges, pushes, sentValues] =
      await Promise.all([
        this.reads.identifiersOf(ids),
        this.reads.sourcesOf(ids, true),
        this.reads.conflictsOf(ids),
        this.reads.changesOf(ids),
        this.reads.mergesOfAny(ids),
        this.reads.exportedPushesOf(ids),
        this.reads.exportedSentValuesOf(ids),
      ]);
    return {
      exportedAt: new Date().toISOString(),
      profiles: profiles.filter((p) => p !== null).map(presentSummary),
      provenance: readProvenance(survivor.provenance),
      identifiers: [
        ...identifiers.map((i) => ({ type: i.type, value: i.value })),
        ...sources.map((s) => ({ type: 'external', value: `${s.connectionId}:${s.externalId}` })),
      ],
      sources: sources.map(presentExportedSource),
      merges: merges.map(presentMerge),
      conflicts: conflicts.map(presentConflict),
      changes: changes.map(presentChange),
      pushes: pushes.map(presentExportedPush),
      sentValues,
    };
  }

  private email(input: string): string {
    const email = normalizeEmail(input);
    if (!email) throw invalid('email', 'is not a valid email address');
    return email;
  }

  private phone(input: string): string {
    const phone = normalizePhone(input, this.config.defaultPhoneRegion);
    if (!phone) throw invalid('phone', 'is not a valid phone number');
    return phone;
  }
}

/** `connectionId:vendorId`, the connection id lower-cased as the store keeps it. */
function externalRef(input: string): { connectionId: string; externalId: string } {
  const separator = input.indexOf(':');
  const connectionId = input.slice(0, separator).toLowerCase();
  if (!isUuid(connectionId)) {
    throw invalid('externalId', 'must be connectionId:vendorId with connectionId a UUID');
  }
  // Trimmed as ingest trims the vendor ids it stores.
  const externalId = input.slice(separator + 1).trim();
  if (externalId === '') {
    throw invalid('externalId', 'must be connectionId:vendorId with a vendorId');
  }
  return { connectionId, externalId };
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** The change log is paged on `seq` alone, a positive bigint: nothing else reaches SQL. */
function isChangeSeq(id: string): boolean {
  return /^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT;
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError([{ field, message }]);
}
