import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { withTimeout } from '../common/time/with-timeout';
import { REDIS_CLIENT } from '../redis/redis.constants';

const PING_TIMEOUT_MS = 1500;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key: 'redis'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    // The shared client queues commands while reconnecting; fail fast instead of waiting.
    if (this.redis.status !== 'ready') {
      return indicator.down({ message: `Redis connection is ${this.redis.status}` });
    }
    try {
      await withTimeout(this.redis.ping(), PING_TIMEOUT_MS, 'Redis');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
