import {
  IdentityConflictEntity,
  ProfileChangeEntity,
  ProfileMergeEntity,
  SourceRecordEntity,
} from '../entities';
import { ProfileChangeDto, ProfileMergeDto } from './dto/profile-history.dto';
import type { ExportedPushRow, ProfileSummaryRow, PushStatusRow } from './profile-read.repository';
import {
  IdentityConflictDto,
  ProfileSummaryDto,
  PushStatusDto,
  SourceRecordDto,
} from './dto/profile.dto';
import { ExportedPushDto, ExportedSourceRecordDto } from './dto/profile-export.dto';

/** Entity → response DTO mappers, one per shape. */
export function presentSummary(profile: ProfileSummaryRow): ProfileSummaryDto {
  return {
    id: profile.id,
    status: profile.status,
    traits: profile.traits as Record<string, unknown>,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  };
}

export function presentSource(source: SourceRecordEntity): SourceRecordDto {
  return {
    connectionId: source.connectionId,
    externalId: source.externalId,
    updatedAt: source.vendorUpdatedAt.toISOString(),
    observedAt: source.observedAt?.toISOString() ?? null,
    deleted: source.deleted,
    contentHash: source.contentHash.toString('hex'),
    traits: source.traits as Record<string, unknown>,
    traitTimes: source.traitTimes ?? {},
    echoedTraits: source.echoedTraits ?? [],
    receivedAt: source.receivedAt.toISOString(),
  };
}

export function presentExportedSource(source: SourceRecordEntity): ExportedSourceRecordDto {
  return { ...presentSource(source), raw: source.raw ?? null };
}

export function presentConflict(conflict: IdentityConflictEntity): IdentityConflictDto {
  return {
    reason: conflict.reason,
    otherProfileIds: conflict.otherProfileIds,
    identifierType: conflict.identifierType,
    identifierValue: conflict.identifierValue,
    connectionId: conflict.connectionId,
    externalId: conflict.externalId,
    createdAt: conflict.createdAt.toISOString(),
  };
}

export function presentChange(change: ProfileChangeEntity): ProfileChangeDto {
  return {
    seq: String(change.seq),
    kind: change.kind,
    changes: (change.changes ?? null) as Record<string, unknown> | null,
    cause: (change.cause ?? null) as Record<string, unknown> | null,
    at: change.createdAt.toISOString(),
  };
}

export function presentMerge(merge: ProfileMergeEntity): ProfileMergeDto {
  return {
    id: merge.id,
    survivorId: merge.survivorId,
    mergedIds: merge.mergedIds,
    identifierType: merge.identifierType,
    identifierValue: merge.identifierValue,
    cause: merge.cause as unknown as Record<string, unknown>,
    at: merge.createdAt.toISOString(),
    splitAt: merge.splitAt ? merge.splitAt.toISOString() : null,
  };
}

export function presentPush(push: PushStatusRow): PushStatusDto {
  return {
    connectionId: push.connectionId,
    connectionName: push.connectionName,
    status: push.status,
    externalId: push.externalId,
    lastPushedAt: push.lastPushedAt?.toISOString() ?? null,
    lastAttemptAt: push.lastAttemptAt.toISOString(),
    error: push.error,
  };
}

export function presentExportedPush(push: ExportedPushRow): ExportedPushDto {
  return { ...presentPush(push), profileId: push.profileId, fields: push.fields };
}
