import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { toInboundWebhook } from './inbound-webhook';
import { WebhookMethodNotAllowedError } from './webhook-errors';
import { WebhookReceiver } from './webhook-receiver.service';

/**
 * `GET /webhooks/:connectionId`, the URL check some vendors make before saving a webhook. No
 * bearer token (`@Public`): vendors have none. Deliveries (`POST`) are taken by a lean Fastify
 * route, see `registerWebhookDeliveryRoute`.
 */
@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly receiver: WebhookReceiver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
