import { ApiProperty } from '@nestjs/swagger';
import {
  CONNECTOR_CAPABILITIES,
  CONNECTOR_CATEGORIES,
  ConnectorCapability,
  ConnectorCategory,
  JsonObjectSchema,
} from '../../connector-sdk/connector.types';

export class ConnectorDto {
  @ApiProperty({ example: 'hubspot' }) name!: string;
  @ApiProperty({ example: 'HubSpot' }) displayName!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CONNECTOR_CATEGORIES }) category!: ConnectorCategory;
  @ApiProperty({ enum: CONNECTOR_CAPABILITIES, isArray: true })
  capabilities!: ConnectorCapability[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of `config`.',
  })
  configSchema!: JsonObjectSchema;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of `credentials`; secret fields carry `x-secret: true`.',
  })
  credentialsSchema!: JsonObjectSchema;
}

export class ConnectorListDto {
  @ApiProperty({ type: [ConnectorDto] }) data!: ConnectorDto[];
}
