import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { ErasePropagator } from './erase-propagator.service';
import { OutboundModule } from './outbound.module';
import { OutboundProcessor } from './outbound.processor';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { ProfilePusher } from './profile-pusher.service';

/** The outbox relay and the `outbound` consumer. Worker process only. */
@Module({
  imports: [ConnectionsModule, OutboundModule],
  providers: [OutboxRepository, OutboxRelay, ProfilePusher, ErasePropagator, OutboundProcessor],
})
export class OutboundWorkerModule {}
