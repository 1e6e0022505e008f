import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { IdentifierDto } from './profile.dto';

export class SplitProfileDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Merge to undo; default the latest one not yet split.',
  })
  @IsOptional()
  @IsUUID()
  mergeId?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Also block the identifier that linked the profiles, so later syncs do not merge them again.',
  })
  @IsOptional()
  @IsBoolean()
  blockIdentifier?: boolean;
}

export class SplitResultDto {
  @ApiProperty({ format: 'uuid' }) mergeId!: string;
  @ApiProperty({ format: 'uuid' }) survivorId!: string;
  @ApiProperty({ type: [String], description: 'Profiles rebuilt from their own source records.' })
  restoredIds!: string[];
  @ApiProperty({ type: IdentifierDto, nullable: true })
  blockedIdentifier!: IdentifierDto | null;
}

export class EraseResultDto {
  @ApiProperty({ type: [String] }) erasedProfileIds!: string[];
  @ApiProperty({ description: 'Identifier hashes kept so the person is not re-created.' })
  suppressedIdentifiers!: number;
}
