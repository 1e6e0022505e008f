import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { ClusterLease } from './cluster-lease';
import { DatabaseOutageRetry } from './database-outage';
import { JobLogContext } from './job-logging';
import { QueueDirectory, queueDirectoryProvider } from './queue-directory';
import { QueueErrorLog } from './queue-error-log';
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
          attempts: config.jobs.attempts,
          // Jitter spreads retries of jobs that failed together (a vendor outage) apart.
          backoff: { type: 'exponential', delay: config.jobs.backoffMs, jitter: 0.5 },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          // Failed jobs move to the dead-letter table (src/dead-letters), which keeps them.
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    JobLogContext,
    ClusterLease,
    DatabaseOutageRetry,
    queueDirectoryProvider,
    QueueErrorLog,
  ],
  exports: [BullModule, JobLogContext, ClusterLease, DatabaseOutageRetry, QueueDirectory],
})
export class QueuesModule {}
