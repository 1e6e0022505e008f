import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ListQueryDto } from '../common/pagination/list-query.dto';
import { AdminOnly, ProtectedApi } from './auth.decorators';
import { CreatedTokenDto, CreateTokenDto, TokenPageDto } from './dto/token.dto';
import { TokensService } from './tokens.service';
import { UuidParam } from '../common/ids/uuid-param';

@ApiTags('tokens')
@ProtectedApi()
@AdminOnly()
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API token (the plain token is returned once)' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  create(@Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    return this.tokens.create(body.name, body.role);
  }

  @Get()
  @ApiOperation({ summary: 'List API tokens (never their values)' })
  @ApiOkResponse({ type: TokenPageDto })
  list(@Query() query: ListQueryDto): Promise<TokenPageDto> {
    return this.tokens.list(query.limit, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such token (or it was already revoked).' })
  async revoke(@UuidParam('id') id: string): Promise<void> {
    await this.tokens.revoke(id);
  }
}
