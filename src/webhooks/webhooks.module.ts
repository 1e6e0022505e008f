import { Module } from '@nestjs/common';

/** API side of inbound webhooks: `POST|GET /webhooks/:connectionId`. */
@Module({})
export class WebhooksModule {}
