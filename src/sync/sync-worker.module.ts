import { Module } from '@nestjs/common';
import { ProfilesModule } from '../profiles/profiles.module';
import { IngestProcessor } from './ingest.processor';

/** Queue consumers of the sync path: `sync` jobs and `ingest` batches. Worker process only. */
@Module({
  imports: [ProfilesModule],
  providers: [IngestProcessor],
})
export class SyncWorkerModule {}
