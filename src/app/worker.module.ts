import { Module } from '@nestjs/common';
import { ProfilesWorkerModule } from '../profiles/profiles-worker.module';

/**
 * Queue consumers and schedulers. Only this module registers `@Processor` classes, so an
 * API-only process never takes jobs off a queue.
 */
@Module({
  imports: [ProfilesWorkerModule],
})
export class WorkerModule {}
