import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  RawBodyRequest,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WebhookReceiptDto } from './dto/webhook-receipt.dto';
import { toInboundWebhook } from './inbound-webhook';
import { WebhookMethodNotAllowedError } from './webhook-errors';
import { WebhookReceiver } from './webhook-receiver.service';

/**
 * Vendors post here without a bearer token (`@Public`): the connector's signature check
 * over the raw body is the authentication.
 */
@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly receiver: WebhookReceiver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':connectionId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a vendor webhook delivery',
    description:
      "Verified with the connector's signature check (and replay window where the vendor signs a " +
      'timestamp), deduplicated on the vendor event id for 25 h, and queued; answered only once ' +
      'queued. Point the vendor at `PUBLIC_URL/webhooks/{connectionId}`.',
  })
  @ApiParam({ name: 'connectionId', format: 'uuid' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: WebhookReceiptDto, description: 'Queued (or recognised as a replay).' })
  @ApiResponse({ status: 400, description: 'Signed, but not a delivery the connector can read.' })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired signature.' })
  @ApiNotFoundResponse({ description: 'Unknown or disabled connection.' })
  @ApiPayloadTooLargeResponse({ description: 'Body larger than 1 MB.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Body neither JSON nor form fields.' })
  @ApiServiceUnavailableResponse({ description: 'The queue is unavailable; the vendor retries.' })
  receive(
    @Param('connectionId') connectionId: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<WebhookReceiptDto> {
    return this.receiver.receive(connectionId, toInboundWebhook(request, this.config.publicUrl));
  }

  /**
   * Some vendors check the URL with a GET before they save a webhook (Mailchimp); the
   * connector answers (`answerWebhookGet`). HubSpot and Shopify only POST: 405 for them.
   */
  @Get(':connectionId')
  @ApiOperation({ summary: "Answer a vendor's URL check (GET), for connectors that need one" })
  @ApiParam({ name: 'connectionId', format: 'uuid' })
  @ApiOkResponse({ description: "The connector's answer." })
  @ApiNotFoundResponse({ description: 'Unknown or disabled connection.' })
  @ApiResponse({ status: 405, description: 'This connector takes no GET (use POST).' })
  async answerGet(
    @Param('connectionId') connectionId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      const answer = await this.receiver.answerGet(
        connectionId,
        toInboundWebhook(request, this.config.publicUrl),
      );
      void reply.status(answer.status).send(answer.body);
    } catch (error) {
      if (error instanceof WebhookMethodNotAllowedError) void reply.header('allow', 'POST');
      throw error;
    }
  }
}
