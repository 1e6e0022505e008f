import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ListQueryDto } from '../../common/pagination/list-query.dto';
import { ALL_QUEUES } from '../../queues/queue-names';

export const DEAD_LETTER_STATUSES = ['pending', 'replayed', 'all'] as const;

export class ListDeadLettersQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  syncRunId?: string;

  @ApiPropertyOptional({ enum: ALL_QUEUES })
  @IsOptional()
  @IsIn(ALL_QUEUES)
  queue?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES, default: 'pending' })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES)
  status: (typeof DEAD_LETTER_STATUSES)[number] = 'pending';
}

export class BulkReplayDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Replay every pending dead letter of this connection.',
  })
  @IsUUID()
  connectionId!: string;
}
