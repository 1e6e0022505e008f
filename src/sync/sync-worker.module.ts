import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ConnectionsModule } from '../connections/connections.module';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { IngestProcessor } from './ingest.processor';
import { SyncEngine } from './sync-engine';
import { LostSyncRuns } from './lost-sync-runs';
import { SyncHousekeeping } from './sync-housekeeping.service';
import { SyncModule } from './sync.module';
import { SyncProcessor } from './sync.processor';

/**
 * Queue consumers of the sync path (`sync` runs, `ingest` batches) and the periodic
 * housekeeping. Worker process only.
 */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    ConnectionsModule,
    ProfilesModule,
    DeadLettersModule,
    SyncModule,
  ],
  providers: [SyncEngine, SyncProcessor, IngestProcessor, SyncHousekeeping, LostSyncRuns],
})
export class SyncWorkerModule {}
