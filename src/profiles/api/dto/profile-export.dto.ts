import { ApiProperty } from '@nestjs/swagger';
import { ProfileChangeDto, ProfileMergeDto } from './profile-history.dto';
import {
  IdentityConflictDto,
  IdentifierDto,
  ProfileSummaryDto,
  PushStatusDto,
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

export class ExportedPushDto extends PushStatusDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The profile id the destination knows the person by (the profile or a merged id).',
  })
  profileId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The vendor fields as last written to the destination.',
  })
  fields!: Record<string, unknown>;
}

/** The canonical values sent to one destination, kept to recognise it handing them back. */
export class ExportedSentValuesDto {
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() connectionName!: string;
  @ApiProperty({ format: 'uuid', description: 'The profile id they were sent for.' })
  profileId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Canonical trait name → the values last sent for it (`value`; `setAt`: when it was set ' +
      'where it came from; `sentAt`; `keys`: the parts sent, where the mapping sends part of it).',
  })
  traits!: Record<string, unknown>;
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
  @ApiProperty({
    type: [ExportedPushDto],
    description: 'Destinations that were sent the person, with what they were sent.',
  })
  pushes!: ExportedPushDto[];
  @ApiProperty({
    type: [ExportedSentValuesDto],
    description:
      'The values sent to each destination (kept from before the write, so also where it failed).',
  })
  sentValues!: ExportedSentValuesDto[];
}
