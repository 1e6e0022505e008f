import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JsonValue } from '../../connector-sdk/connector.types';
import {
  RecordError,
  SYNC_MODES,
  SYNC_STATUSES,
  SYNC_TRIGGERS,
  SyncMode,
  SyncRun,
  SyncStatus,
  SyncTrigger,
} from '../sync-run';

export class SyncProgressDto {
  @ApiProperty() pages!: number;
  @ApiProperty({ description: 'Records the vendor returned.' }) recordsRead!: number;
  @ApiProperty({ description: 'Records mapped and queued for the profile store.' })
  recordsQueued!: number;
  @ApiProperty({ description: 'New or changed records written to the profile store.' })
  ingested!: number;
  @ApiProperty({ description: 'Records identical to the stored version: skipped.' })
  unchanged!: number;
  @ApiProperty({ description: 'Records older than the stored version: ignored.' }) stale!: number;
  @ApiProperty({ description: 'Records of erased people: dropped.' }) suppressed!: number;
  @ApiProperty({ description: 'Records that failed (mapping, validation, or ingestion).' })
  failed!: number;
  @ApiProperty({
    description: 'Full syncs: records the vendor no longer returns, queued as deletions.',
  })
  deletionsQueued!: number;
  @ApiProperty() batchesQueued!: number;
  @ApiProperty() batchesDone!: number;
}

export class RecordErrorDto {
  @ApiProperty({ description: "The vendor's record id." }) externalId!: string;
  @ApiProperty() reason!: string;
}

export class SyncRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty({ enum: SYNC_MODES }) mode!: SyncMode;
  @ApiProperty({ enum: SYNC_TRIGGERS }) trigger!: SyncTrigger;
  @ApiProperty({ enum: SYNC_STATUSES }) status!: SyncStatus;
  @ApiProperty({ type: SyncProgressDto }) progress!: SyncProgressDto;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The last checkpoint: where a resumed run continues.',
  })
  cursor!: Record<string, JsonValue> | null;
  @ApiProperty({ description: 'Incremental runs: how far before the saved cursor they re-read.' })
  lookBackMs!: number;
  @ApiProperty({
    description:
      'Full runs: the admin allowed deletions past the mass-deletion guard (SYNC_MAX_DELETE_FRACTION).',
  })
  allowMassDeletion!: boolean;
  @ApiProperty({
    description: 'Tries so far (a killed or failed try resumes from the checkpoint).',
  })
  attempts!: number;
  @ApiProperty() cancelRequested!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the last try failed.' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) queuedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  startedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  readFinishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  finishedAt!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'From start to finish (or now).',
  })
  durationMs!: number | null;
}

export class SyncRunDetailDto extends SyncRunDto {
  @ApiProperty({ type: [RecordErrorDto], description: 'Record-level failures (first 1,000).' })
  errors!: RecordErrorDto[];
}

export class SyncRunPageDto {
  @ApiProperty({ type: [SyncRunDto] }) data!: SyncRunDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export function presentSyncRun(run: SyncRun, now = new Date()): SyncRunDto {
  const p = run.progress;
  return {
    id: run.id,
    connectionId: run.connectionId,
    mode: run.mode,
    trigger: run.trigger,
    status: run.status,
    progress: {
      pages: p.pages,
      recordsRead: p.recordsRead,
      recordsQueued: p.recordsQueued,
      ingested: p.ingested,
      unchanged: p.unchanged,
      stale: p.stale,
      suppressed: p.suppressed,
      failed: p.mapFailed + p.rejected,
      deletionsQueued: p.deletionsQueued,
      batchesQueued: p.batchesQueued,
      batchesDone: p.batchesDone,
    },
    cursor: run.cursor,
    lookBackMs: run.lookBackMs,
    allowMassDeletion: run.allowMassDeletion,
    attempts: run.attempts,
    cancelRequested: run.cancelRequested,
    error: run.error,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    readFinishedAt: run.readFinishedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.startedAt ? (run.finishedAt ?? now).getTime() - run.startedAt.getTime() : null,
  };
}

export function presentSyncRunDetail(run: SyncRun, errors: RecordError[]): SyncRunDetailDto {
  return { ...presentSyncRun(run), errors };
}
