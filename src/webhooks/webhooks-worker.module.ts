import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { WebhookConnections } from './webhook-connections';
import { WebhookEventIngester } from './webhook-event-ingester';
import { WebhookEventsProcessor } from './webhook-events.processor';
import { WebhookInboxRelay } from './webhook-inbox-relay';

/** Worker side of inbound webhooks: the inbox relay and the `webhooks` queue consumer. */
@Module({
  imports: [ConnectionsModule, ProfilesModule],
  providers: [WebhookConnections, WebhookEventIngester, WebhookEventsProcessor, WebhookInboxRelay],
})
export class WebhooksWorkerModule {}
