import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';

/**
 * A lease in Redis that one process of the deployment holds for a while: periodic
 * housekeeping that every replica schedules with `@nestjs/schedule` runs once per period,
 * not once per replica.
 */
@Injectable()
export class ClusterLease {
  private readonly owner = randomUUID();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes the lease `name` for `ttlMs` if nobody holds it. @returns whether this process got it. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    const key = `${this.config.queuePrefix}:lease:${name}`;
    return (await this.redis.set(key, this.owner, 'PX', ttlMs, 'NX')) === 'OK';
  }
}
