import { Module } from '@nestjs/common';

/**
 * Queue consumers and schedulers. Only this module registers `@Processor` classes, so an
 * API-only process never takes jobs off a queue.
 */
@Module({
  imports: [],
})
export class WorkerModule {}
