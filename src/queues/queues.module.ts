import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { JobLogContext } from './job-logging';
import { ALL_QUEUES } from './queue-names';

/**
 * Producers for every queue, available to both processes. Consumers (`@Processor`) are
 * registered only by the worker's modules, so the API process never takes jobs.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis) => ({
        connection: redis,
        prefix: config.queuePrefix,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [JobLogContext],
  exports: [BullModule, JobLogContext],
})
export class QueuesModule {}
