import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { withTimeout } from '../common/time/with-timeout';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { logConnectionState } from './connection-state-log';
import { createRedisClient } from './redis-connection';
import { REDIS_CLIENT } from './redis.constants';

/** One shared command connection per process; BullMQ duplicates it for blocking reads. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const client = createRedisClient(config.redisUrl, config.role);
        logConnectionState(client, new Logger('Redis'), `syncline:${config.role}`);
        return client;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // QUIT waits for an answer; during an outage there is none, so just drop the socket.
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    await withTimeout(this.redis.quit(), 2000, 'Redis QUIT').catch(() => this.redis.disconnect());
  }
}
