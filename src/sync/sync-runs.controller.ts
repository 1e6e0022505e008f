import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ProtectedApi } from '../auth/auth.decorators';
import { ListQueryDto } from '../common/pagination/list-query.dto';
import {
  presentSyncRun,
  presentSyncRunDetail,
  SyncRunDetailDto,
  SyncRunDto,
  SyncRunPageDto,
} from './dto/sync-run.dto';
import { TriggeredSyncDto, TriggerSyncDto } from './dto/trigger-sync.dto';
import { SyncService } from './sync.service';
import { UuidParam } from '../common/ids/uuid-param';

@ApiTags('syncs')
@ProtectedApi()
@Controller('v1')
export class SyncRunsController {
  constructor(private readonly syncs: SyncService) {}

  @Post('connections/:id/syncs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a sync of the connection now' })
  @ApiAcceptedResponse({ type: TriggeredSyncDto })
  @ApiBadRequestResponse({
    description: 'A field is invalid, or `allowMassDeletion` was sent for an incremental sync.',
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({
    description:
      'A sync of this connection is already queued or running (its id is in `syncId`), the connection is disabled, or its connector is not installed.',
  })
  @ApiServiceUnavailableResponse({ description: 'The job queue is unreachable.' })
  async trigger(
    @UuidParam('id') id: string,
    @Body() body: TriggerSyncDto,
  ): Promise<TriggeredSyncDto> {
    const run = await this.syncs.trigger(id, {
      mode: body.mode,
      trigger: 'manual',
      lookBackMs: body.lookBackSeconds === undefined ? undefined : body.lookBackSeconds * 1000,
      allowMassDeletion: body.allowMassDeletion,
    });
    return { id: run.id, status: run.status };
  }

  @Get('connections/:id/syncs')
  @ApiOperation({ summary: "List the connection's sync runs, newest first" })
  @ApiOkResponse({ type: SyncRunPageDto })
  @ApiNotFoundResponse()
  async list(@UuidParam('id') id: string, @Query() query: ListQueryDto): Promise<SyncRunPageDto> {
    const page = await this.syncs.list(id, query.limit, query.cursor);
    return { data: page.data.map((run) => presentSyncRun(run)), nextCursor: page.nextCursor };
  }

  @Get('syncs/:id')
  @ApiOperation({ summary: 'A sync run: status, progress, cursor, timings and record errors' })
  @ApiOkResponse({ type: SyncRunDetailDto })
  @ApiNotFoundResponse()
  async get(@UuidParam('id') id: string): Promise<SyncRunDetailDto> {
    const { run, errors } = await this.syncs.get(id);
    return presentSyncRunDetail(run, errors);
  }

  @Post('syncs/:id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel a sync run',
    description:
      'A queued run, or a running one waiting for a retry, is cancelled at once; one being read stops after its current page (its checkpoint is kept).',
  })
  @ApiAcceptedResponse({ type: SyncRunDto })
  @ApiNotFoundResponse()
  async cancel(@UuidParam('id') id: string): Promise<SyncRunDto> {
    return presentSyncRun(await this.syncs.cancel(id));
  }
}
