import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, ProtectedApi } from '../auth/auth.decorators';
import { DeadLettersService } from './dead-letters.service';
import { BulkReplayDto, ListDeadLettersQueryDto } from './dto/dead-letter-query.dto';
import {
  BulkReplayResultDto,
  DeadLetterDto,
  DeadLetterPageDto,
  presentDeadLetter,
  presentSummary,
  ReplayResultDto,
} from './dto/dead-letter.dto';
import { UuidParam } from '../common/ids/uuid-param';

@ApiTags('dead letters')
@ProtectedApi()
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({
    summary: 'List jobs and records that exhausted their retries (pending by default)',
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  async list(@Query() query: ListDeadLettersQueryDto): Promise<DeadLetterPageDto> {
    const page = await this.deadLetters.list(
      {
        connectionId: query.connectionId,
        syncRunId: query.syncRunId,
        queue: query.queue,
        status: query.status,
      },
      query.limit,
      query.cursor,
    );
    return { data: page.data.map(presentSummary), nextCursor: page.nextCursor };
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay every pending dead letter of a connection' })
  @ApiAcceptedResponse({ type: BulkReplayResultDto })
  replayConnection(@Body() body: BulkReplayDto): Promise<BulkReplayResultDto> {
    return this.deadLetters.replayConnection(body.connectionId);
  }

  // The payload is the vendor's record as it came, personal data included: like a profile's
  // export, for admins only. Viewers see the list (reasons, counts, no payloads).
  @Get(':id')
  @AdminOnly()
  @ApiOperation({ summary: 'Get a dead letter with its payload (admin only: raw vendor data)' })
  @ApiOkResponse({ type: DeadLetterDto })
  @ApiNotFoundResponse()
  async get(@UuidParam('id') id: string): Promise<DeadLetterDto> {
    return presentDeadLetter(await this.deadLetters.get(id));
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-enqueue a dead letter on its queue, with its original payload' })
  @ApiAcceptedResponse({ type: ReplayResultDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already replayed.' })
  replay(@UuidParam('id') id: string): Promise<ReplayResultDto> {
    return this.deadLetters.replay(id);
  }
}
