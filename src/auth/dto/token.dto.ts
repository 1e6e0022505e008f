import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsDisplayName } from '../../common/validation/is-display-name';
import { TOKEN_ROLES, TokenRole } from '../api-token.entity';

export class CreateTokenDto {
  @ApiProperty({ example: 'ci-readonly', minLength: 1, maxLength: 100 })
  @IsDisplayName(100)
  name!: string;

  @ApiProperty({ enum: TOKEN_ROLES, example: 'viewer' })
  @IsIn(TOKEN_ROLES)
  role!: TokenRole;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TOKEN_ROLES }) role!: TokenRole;
  @ApiProperty({
    description: 'First characters of the token, to recognise it.',
    example: 'sl_Xk3p9aQ',
  })
  prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The plain token. Shown only in this response: store it now.' })
  token!: string;
}

export class TokenPageDto {
  @ApiProperty({ type: [TokenDto] }) data!: TokenDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
