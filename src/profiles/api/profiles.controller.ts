import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, ProtectedApi } from '../../auth/auth.decorators';
import type { AuthenticatedRequest } from '../../auth/token-auth.guard';
import { ListQueryDto } from '../../common/pagination/list-query.dto';
import { ProfileSplitService } from '../merges/profile-split.service';
import { ProfileEraseService } from '../privacy/profile-erase.service';
import { EraseResultDto, SplitProfileDto, SplitResultDto } from './dto/profile-actions.dto';
import { ProfileExportDto } from './dto/profile-export.dto';
import { ProfileHistoryDto } from './dto/profile-history.dto';
import { ProfileDetailDto, ProfilePageDto, ProvenanceEntryDto } from './dto/profile.dto';
import { ProfileSearchQueryDto } from './dto/profile-search-query.dto';
import { ProfileQueryService } from './profile-query.service';
import { UuidParam } from '../../common/ids/uuid-param';

@ApiTags('profiles')
@ProtectedApi()
@ApiExtraModels(ProvenanceEntryDto)
@Controller('v1/profiles')
export class ProfilesController {
  constructor(
    private readonly queries: ProfileQueryService,
    private readonly splits: ProfileSplitService,
    private readonly erasures: ProfileEraseService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Find profiles by email, phone (any format), externalId (connectionId:vendorId) or prefix search q',
  })
  @ApiOkResponse({ type: ProfilePageDto })
  @ApiBadRequestResponse({
    description:
      'An unparseable email, phone or externalId, a bad cursor or limit: names the field.',
  })
  search(@Query() query: ProfileSearchQueryDto): Promise<ProfilePageDto> {
    return this.queries.search(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A profile with traits, provenance, identifiers, sources and conflicts',
    description:
      'A merged id answers 200 with `status: "merged"` and `mergedInto` (the survivor), not a redirect: merges can be split.',
  })
  @ApiOkResponse({ type: ProfileDetailDto })
  @ApiNotFoundResponse({ description: 'No such profile (or it was erased).' })
  get(@UuidParam('id') id: string): Promise<ProfileDetailDto> {
    return this.queries.get(id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'The change log of a profile (cursor-paginated) and its merges' })
  @ApiOkResponse({ type: ProfileHistoryDto })
  @ApiNotFoundResponse()
  history(@UuidParam('id') id: string, @Query() query: ListQueryDto): Promise<ProfileHistoryDto> {
    return this.queries.history(id, query.limit, query.cursor);
  }

  @Post(':id/split')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Undo a merge: rebuild the merged profiles from their own source records',
  })
  @ApiOkResponse({ type: SplitResultDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The profile has no merge left to split.' })
  split(
    @UuidParam('id') id: string,
    @Body() body: SplitProfileDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<SplitResultDto> {
    return this.splits.split(id, { ...body, actor: request.principal?.tokenId });
  }

  @Post(':id/erase')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary:
      'Erase a person: delete profile, identifiers, sources and change payloads; keep only suppression hashes',
  })
  @ApiOkResponse({ type: EraseResultDto })
  @ApiNotFoundResponse()
  erase(
    @UuidParam('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<EraseResultDto> {
    return this.erasures.erase(id, request.principal?.tokenId);
  }

  @Get(':id/export')
  @AdminOnly()
  @ApiOperation({ summary: 'Everything held about the person, including raw vendor payloads' })
  @ApiOkResponse({ type: ProfileExportDto })
  @ApiNotFoundResponse()
  export(@UuidParam('id') id: string): Promise<ProfileExportDto> {
    return this.queries.export(id);
  }
}
