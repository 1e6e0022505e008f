import { ApiProperty } from '@nestjs/swagger';

export class ProfileChangeDto {
  @ApiProperty({ description: 'Monotonically increasing sequence (string: 64-bit).' }) seq!: string;
  @ApiProperty({
    enum: ['created', 'updated', 'merged', 'split', 'closed', 'reopened', 'erased', 'outvoted'],
  })
  kind!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      '`traits: {name: {before, after}}`, `identifiersAdded`, `mergedIds`, `mergedInto`, `mergeId`…',
  })
  changes!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'kind (sync | webhook | manual | split | erase), syncRunId, deliveryId, connectionId, externalIds.',
  })
  cause!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ProfileMergeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) survivorId!: string;
  @ApiProperty({ type: [String] }) mergedIds!: string[];
  @ApiProperty({ description: 'The identifier that linked them.' }) identifierType!: string;
  @ApiProperty() identifierValue!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The record and batch that caused it.',
  })
  cause!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) splitAt!: string | null;
}

export class ProfileHistoryDto {
  @ApiProperty({
    type: [ProfileChangeDto],
    description: 'Change log, oldest first, cursor-paginated.',
  })
  data!: ProfileChangeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
  @ApiProperty({ type: [ProfileMergeDto], description: 'Every merge this profile took part in.' })
  merges!: ProfileMergeDto[];
}
