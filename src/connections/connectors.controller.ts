import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProtectedApi } from '../auth/auth.decorators';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { ConnectorListDto } from './dto/connector-catalog.dto';

@ApiTags('connectors')
@ProtectedApi()
@Controller('v1/connectors')
export class ConnectorsController {
  constructor(private readonly registry: ConnectorRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'The connector catalog, with the JSON schemas of config and credentials',
  })
  @ApiOkResponse({ type: ConnectorListDto })
  list(): ConnectorListDto {
    return {
      data: this.registry.list().map(({ manifest }) => ({
        name: manifest.name,
        displayName: manifest.displayName,
        description: manifest.description,
        category: manifest.category,
        capabilities: manifest.capabilities,
        configSchema: manifest.configSchema,
        credentialsSchema: manifest.credentialsSchema,
      })),
    };
  }
}
