import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DeadLetter } from '../dead-letter';

export class DeadLetterSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ingest' }) queue!: string;
  @ApiProperty({ example: 'ingest-batch' }) jobName!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) jobId!: string | null;
  @ApiProperty({ description: 'The last error, as the job reported it.' }) error!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' })
  connectionId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' })
  syncRunId!: string | null;
  @ApiProperty({ description: 'Vendor records in the payload (0 when it holds none).' })
  records!: number;
  @ApiProperty({ format: 'date-time' }) failedAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  replayedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) replayJobId!: string | null;
}

export class DeadLetterDto extends DeadLetterSummaryDto {
  @ApiProperty({
    description: 'The job payload, replayed as is.',
    type: 'object',
    additionalProperties: true,
  })
  data!: unknown;
}

export class DeadLetterPageDto {
  @ApiProperty({ type: [DeadLetterSummaryDto] }) data!: DeadLetterSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ReplayResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The new job on the original queue.' }) jobId!: string;
}

export class BulkReplayResultDto {
  @ApiProperty() replayed!: number;
  @ApiProperty({ description: 'More pending dead letters remain: call again.' })
  remaining!: boolean;
}

export function presentSummary(letter: DeadLetter): DeadLetterSummaryDto {
  return {
    id: letter.id,
    queue: letter.queue,
    jobName: letter.jobName,
    jobId: letter.jobId,
    error: letter.error,
    attempts: letter.attempts,
    connectionId: letter.connectionId,
    syncRunId: letter.syncRunId,
    records: countRecords(letter.data),
    failedAt: letter.failedAt.toISOString(),
    createdAt: letter.createdAt.toISOString(),
    replayedAt: letter.replayedAt?.toISOString() ?? null,
    replayJobId: letter.replayJobId,
  };
}

export function presentDeadLetter(letter: DeadLetter): DeadLetterDto {
  return { ...presentSummary(letter), data: letter.data };
}

function countRecords(data: unknown): number {
  const payload = (data ?? {}) as { items?: unknown; records?: unknown; event?: unknown };
  if (Array.isArray(payload.items)) return payload.items.length;
  if (Array.isArray(payload.records)) return payload.records.length;
  return payload.event ? 1 : 0;
}
