import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ProtectedApi } from '../auth/auth.decorators';
import { ConnectionsService } from './connections.service';
import { CheckResultDto, ConnectionDto, ConnectionPageDto } from './dto/connection.dto';
import { CreateConnectionDto, UpdateConnectionDto } from './dto/connection-input.dto';
import { ListConnectionsQueryDto } from './dto/list-connections-query.dto';
import { UuidParam } from '../common/ids/uuid-param';

@ApiTags('connections')
@ProtectedApi()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a connection (credentials are encrypted and never returned)' })
  @ApiCreatedResponse({ type: ConnectionDto })
  @ApiBadRequestResponse({
    description:
      "A field is invalid, or `config`/`credentials` do not match the connector's schemas: each bad field is named.",
  })
  @ApiConflictResponse({ description: 'A connection with this name already exists.' })
  create(@Body() body: CreateConnectionDto): Promise<ConnectionDto> {
    return this.connections.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List connections' })
  @ApiOkResponse({ type: ConnectionPageDto })
  list(@Query() query: ListConnectionsQueryDto): Promise<ConnectionPageDto> {
    return this.connections.list(query.limit, query.cursor, query.connector);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a connection' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiNotFoundResponse()
  get(@UuidParam('id') id: string): Promise<ConnectionDto> {
    return this.connections.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a connection',
    description:
      '`config`, `mapping` and `schedule` are replaced as given; `credentials` are merged into the stored ones (null removes a field). ' +
      'A change of the API host (`config.baseUrl`, a shop domain, a subdomain…) needs every credential entered again in the same request.',
  })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiBadRequestResponse({
    description:
      'A field is invalid, the API host changes without the credentials entered again (`credentials`), or a stored credential no longer opens and is not entered again (`credentials.<field>`).',
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({
    description:
      'Another connection has this name, or the connector is not installed: `config` and `credentials` cannot be changed.',
  })
  update(@UuidParam('id') id: string, @Body() body: UpdateConnectionDto): Promise<ConnectionDto> {
    return this.connections.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connection' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@UuidParam('id') id: string): Promise<void> {
    await this.connections.remove(id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOperation({
    summary: "Test the connection's credentials against the vendor",
    description:
      '`ok: false` with the reason when the vendor refuses them, they cannot be opened, or the connector is not installed.',
  })
  @ApiOkResponse({ type: CheckResultDto })
  @ApiNotFoundResponse()
  check(@UuidParam('id') id: string): Promise<CheckResultDto> {
    return this.connections.check(id);
  }
}
