import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONNECTION_DIRECTIONS, ConnectionDirection } from '../connection.entity';
import type { ConnectionMapping } from '../connection-mapping';
import type { JsonValue } from '../../connector-sdk/connector.types';

export class CredentialStateDto {
  @ApiProperty({ description: 'Whether a value is stored; the value itself is never returned.' })
  set!: boolean;
}

export class ConnectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'hubspot' }) connector!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) config!: Record<string, JsonValue>;

  @ApiProperty({
    description:
      'False when the connector is no longer installed (its folder was removed or renamed): the connection cannot sync, push, take webhooks or be checked, `config` and `credentials` cannot be changed, and `credentials` lists only the stored fields. It can still be renamed, disabled and deleted.',
  })
  connectorInstalled!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/CredentialStateDto' },
    example: { accessToken: { set: true }, clientSecret: { set: false } },
  })
  credentials!: Record<string, CredentialStateDto>;

  @ApiProperty({ enum: CONNECTION_DIRECTIONS }) direction!: ConnectionDirection;
  @ApiPropertyOptional({ nullable: true, type: String }) schedule!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) priority!: number | null;
  @ApiProperty({ description: 'Erasing a profile deletes the person at this destination too.' })
  propagateErase!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) mapping!: ConnectionMapping;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Where the vendor should deliver webhooks, for connectors that receive them.',
  })
  webhookUrl!: string | null;

  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ConnectionPageDto {
  @ApiProperty({ type: [ConnectionDto] }) data!: ConnectionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CheckResultDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ example: 'Credentials accepted by HubSpot' }) message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, JsonValue>;
}
