import { Module } from '@nestjs/common';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncRunRepository } from './sync-run.repository';
import { SyncRunsController } from './sync-runs.controller';
import { SyncSchedules } from './sync-schedules.service';
import { SyncService } from './sync.service';
import { VanishedRecordsRepository } from './vanished-records.repository';

/**
 * Sync runs: triggering, the runs API, and the job schedulers that follow connections (kept
 * in both processes, so an API change to a schedule applies at once).
 */
@Module({
  imports: [ConnectionsModule, DeadLettersModule],
  controllers: [SyncRunsController],
  providers: [SyncRunRepository, VanishedRecordsRepository, SyncService, SyncSchedules],
  exports: [SyncRunRepository, VanishedRecordsRepository, SyncSchedules],
})
export class SyncModule {}
