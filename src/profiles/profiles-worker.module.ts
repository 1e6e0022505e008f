import { Module } from '@nestjs/common';
import { IngestProcessor } from './ingest/ingest.processor';
import { ProfilesModule } from './profiles.module';

/** The `ingest` queue consumer. Imported only by the worker process, so the API never takes jobs. */
@Module({
  imports: [ProfilesModule],
  providers: [IngestProcessor],
})
export class ProfilesWorkerModule {}
