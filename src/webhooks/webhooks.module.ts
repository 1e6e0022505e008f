import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { WebhookConnections } from './webhook-connections';
import { WebhookInbox } from './webhook-inbox';
import { WebhookReceiver } from './webhook-receiver.service';
import { WebhookAccountRouter } from './webhook-account-router';
import { WebhooksController } from './webhooks.controller';

/** API side of inbound webhooks: `POST|GET /webhooks/:connectionId`. */
@Module({
  imports: [ConnectionsModule],
  controllers: [WebhooksController],
  providers: [WebhookConnections, WebhookInbox, WebhookAccountRouter, WebhookReceiver],
})
export class WebhooksModule {}
