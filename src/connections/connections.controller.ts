import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
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

@ApiTags('connections')
@ProtectedApi()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a connection (credentials are encrypted and never returned)' })
  @ApiCreatedResponse({ type: ConnectionDto })
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
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionDto> {
    return this.connections.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a connection',
    description:
      '`config`, `mapping` and `schedule` are replaced as given; `credentials` are merged into the stored ones (null removes a field).',
  })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiNotFoundResponse()
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionDto> {
    return this.connections.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connection' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.connections.remove(id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOperation({ summary: "Test the connection's credentials against the vendor" })
  @ApiOkResponse({ type: CheckResultDto })
  @ApiNotFoundResponse()
  check(@Param('id', new ParseUUIDPipe()) id: string): Promise<CheckResultDto> {
    return this.connections.check(id);
  }
}
