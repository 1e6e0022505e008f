import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { CONNECTION_DIRECTIONS, ConnectionDirection } from '../connection.entity';
import type { ConnectionMapping } from '../connection-mapping';
import type { JsonValue } from '../../connector-sdk/connector.types';

export class CreateConnectionDto {
  @ApiProperty({ example: 'hubspot', description: 'Connector name from GET /v1/connectors.' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'connector must be a connector name like "hubspot"' })
  connector!: string;

  @ApiProperty({ example: 'HubSpot (production)', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  // Text PostgreSQL cannot keep as given is named by the service, with the config's and
  // mapping's, so one answer lists every such field.
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "Non-secret settings, validated against the connector's configSchema.",
    example: {},
  })
  @IsObject()
  config!: Record<string, JsonValue>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      "Secrets, validated against the connector's credentialsSchema, stored encrypted and never returned.",
    example: { accessToken: 'pat-na1-…' },
  })
  @IsObject()
  credentials!: Record<string, string>;

  @ApiProperty({ enum: CONNECTION_DIRECTIONS, example: 'pull' })
  @IsIn(CONNECTION_DIRECTIONS)
  direction!: ConnectionDirection;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'Cron expression (UTC, 5 fields) or interval such as "15m" (10s to 365d); null for on-demand only.',
    example: '*/15 * * * *',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  schedule?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Survivorship priority: a higher value wins over recency; null uses recency only.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number | null;

  @ApiPropertyOptional({
    default: true,
    description:
      'When a profile is erased, ask this destination to delete (or archive) the person too.',
  })
  @IsOptional()
  @IsBoolean()
  propagateErase?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Overrides of the default field mapping, keyed by vendor field: a canonical field path, null to drop, or {"const": value}.',
    example: { mobilephone: 'phone' },
  })
  @IsOptional()
  @IsObject()
  mapping?: ConnectionMapping;
}

/**
 * Every field optional; `credentials` merges into the stored ones (a field set to null is
 * removed), so rotating one secret does not require re-sending the others. Two exceptions
 * require credentials again in the same request: a change of the host they are sent to, and
 * stored values that no configured key opens any more (see the descriptions below).
 */
export class UpdateConnectionDto extends PartialType(
  OmitType(CreateConnectionDto, ['connector', 'credentials'] as const),
) {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description:
      'Credential fields to replace; null removes a field. When the PATCH changes the origin the credentials are sent to (`config.baseUrl`, or a field the connector builds its host from, such as Shopify `shopDomain` or Zendesk `subdomain`), every stored credential must be entered again here (400 naming `credentials` otherwise): stored secrets are never sent to a new host. A stored value that the configured keys cannot open must be entered again (or set to null) too (400 naming `credentials.<field>`).',
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, string | null>;
}
