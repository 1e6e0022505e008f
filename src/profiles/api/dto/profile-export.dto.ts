import { ApiProperty } from '@nestjs/swagger';
import { ProfileChangeDto, ProfileMergeDto } from './profile-history.dto';
import {
  IdentityConflictDto,
  IdentifierDto,
  ProfileSummaryDto,
  SourceRecordDto,
} from './profile.dto';

export class ExportedSourceRecordDto extends SourceRecordDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The vendor payload as received.',
  })
  raw!: unknown;
}

/** Everything Syncline holds about one person (data-subject access request). */
export class ProfileExportDto {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({
    type: [ProfileSummaryDto],
    description: 'The profile and any ids merged into it.',
  })
  profiles!: ProfileSummaryDto[];
  @ApiProperty({ type: 'object', additionalProperties: true }) provenance!: Record<string, unknown>;
  @ApiProperty({ type: [IdentifierDto] }) identifiers!: IdentifierDto[];
  @ApiProperty({ type: [ExportedSourceRecordDto] }) sources!: ExportedSourceRecordDto[];
  @ApiProperty({ type: [ProfileMergeDto] }) merges!: ProfileMergeDto[];
  @ApiProperty({ type: [IdentityConflictDto] }) conflicts!: IdentityConflictDto[];
  @ApiProperty({ type: [ProfileChangeDto] }) changes!: ProfileChangeDto[];
}
