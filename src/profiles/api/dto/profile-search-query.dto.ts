import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ListQueryDto } from '../../../common/pagination/list-query.dto';

export class ProfileSearchQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    description: 'Any case or spacing; normalized before lookup.',
    example: 'Ada@Engines.org',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    description: 'Any format; national numbers use DEFAULT_PHONE_REGION. Normalized to E.164.',
    example: '(415) 555-2671',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ description: '`connectionId:vendorId`', example: '6f1c…:12345' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F-]{36}:.+$/, { message: 'externalId must look like connectionId:vendorId' })
  @MaxLength(600)
  externalId?: string;

  @ApiPropertyOptional({
    description:
      'Prefix search, case-insensitive: every word (up to 4) must start the first name, last name or email. `ada lov` finds Ada Lovelace; nothing matches inside a word (`velace` finds nobody).',
    example: 'ada lov',
  })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  // Blank text has no word to match: without this it filtered nothing and listed everyone.
  @Matches(/\S/, { message: 'q must contain a word to search for' })
  q?: string;
}
