import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SYNC_MODES, SyncMode } from '../sync-run';

export class TriggerSyncDto {
  @ApiPropertyOptional({
    enum: SYNC_MODES,
    default: 'incremental',
    description:
      '`incremental` reads changes since the saved cursor; `full` re-reads everything and marks records the vendor no longer returns as deleted.',
  })
  @IsOptional()
  @IsIn(SYNC_MODES)
  mode: SyncMode = 'incremental';

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 7 * 24 * 3600,
    description:
      'Incremental only: re-read changes this many seconds before the saved cursor (default SYNC_LOOKBACK_SECONDS).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  lookBackSeconds?: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'Full only. A full sync that would mark as deleted more than SYNC_MAX_DELETE_FRACTION of the records held for the connection (and more than SYNC_DELETE_GUARD_MIN_RECORDS) deletes nothing and fails, since an empty or cut-short read looks the same as a mass deletion. Send `true` when the vendor really deleted those records.',
  })
  @IsOptional()
  @IsBoolean()
  allowMassDeletion?: boolean;
}

export class TriggeredSyncDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'queued' }) status!: string;
}
