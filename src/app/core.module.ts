import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConnectionsModule } from '../connections/connections.module';
import { ConnectorsModule } from '../connector-registry/connectors.module';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { DatabaseModule } from '../database/database.module';
import { LoggingModule } from '../logging/logging.module';
import { OutboundModule } from '../outbound/outbound.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { QueuesModule } from '../queues/queues.module';
import { RedisModule } from '../redis/redis.module';
import { SyncModule } from '../sync/sync.module';

/** What both processes share: infrastructure plus the feature services. */
@Module({
  imports: [
    LoggingModule,
    DatabaseModule,
    RedisModule,
    QueuesModule,
    ConnectorsModule,
    AuthModule,
    ConnectionsModule,
    ProfilesModule,
    SyncModule,
    DeadLettersModule,
    OutboundModule,
  ],
})
export class CoreModule {}
