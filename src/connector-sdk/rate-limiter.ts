/**
 * A request budget shared by every worker and process that talks to one vendor connection.
 *
 * The budget lives in Redis as a sliding-window log (a sorted set of grant times). A Lua script
 * checks and records a grant atomically, using Redis `TIME` as the only clock so that skewed
 * worker clocks cannot over-spend the budget. A sliding log (rather than GCRA or a fixed
 * window) guarantees that *no* rolling window of `intervalMs` ever holds more than `requests`
 * grants — which is what vendors such as HubSpot (TEN_SECONDLY_ROLLING) actually enforce.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { RateLimit } from './connector.types';
import { abortableSleep, type Sleep } from './abortable-sleep';
import { RequestAbortedError } from './errors';

/**
 * KEYS[1] budget key; ARGV: limit, intervalMs, member id.
 * Returns {1, 0} when granted, {0, waitMs} when the caller must wait.
 * Scores are Redis server milliseconds with microsecond fractions.
 */
const ACQUIRE_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - interval)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(interval) + 1000)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + interval - now
return {0, math.max(1, math.ceil(wait))}
`;
const ACQUIRE_SCRIPT_SHA = createHash('sha1').update(ACQUIRE_SCRIPT).digest('hex');

export interface RateLimiter {
  /** Resolves once a request slot for `key` is reserved; rejects if `signal` aborts first. */
  acquire(key: string, limit: RateLimit, signal?: AbortSignal): Promise<void>;
}

export interface RedisRateLimiterOptions {
  /** Namespace of every key, e.g. the deployment's queue prefix: `${prefix}:ratelimit:${key}`. */
  prefix: string;
  /** Extra random wait added to each retry so waiting workers do not stampede. Default 25 ms. */
  maxJitterMs?: number;
  /**
   * Added to every window. A grant is recorded when the request leaves, but the vendor counts
   * it when it arrives, a little later; without this slack a request sent as a slot frees up
   * can land just before the vendor's window has room and get a 429. Default 50 ms.
   */
  windowMarginMs?: number;
  sleep?: Sleep;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly maxJitterMs: number;
  private readonly windowMarginMs: number;
  private readonly sleep: Sleep;

  /** @param redis owned by the caller: this class never connects or quits it. */
  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions,
  ) {
    this.prefix = options.prefix;
    this.maxJitterMs = options.maxJitterMs ?? 25;
    this.windowMarginMs = options.windowMarginMs ?? 50;
    this.sleep = options.sleep ?? abortableSleep;
  }

  keyFor(key: string): string {
    return `${this.prefix}:ratelimit:${key}`;
  }

  async acquire(key: string, limit: RateLimit, signal?: AbortSignal): Promise<void> {
    assertValidLimit(limit);
    const redisKey = this.keyFor(key);
    for (;;) {
      if (signal?.aborted) throw new RequestAbortedError('Waiting for a rate-limit slot');
      const waitMs = await this.tryAcquire(redisKey, limit);
      if (waitMs === 0) return;
      await this.sleep(waitMs + Math.floor(Math.random() * this.maxJitterMs), signal);
    }
  }

  /** 0 when a slot was reserved, otherwise how long until the oldest grant leaves the window. */
  private async tryAcquire(redisKey: string, limit: RateLimit): Promise<number> {
    const interval = limit.intervalMs + this.windowMarginMs;
    const args = [1, redisKey, limit.requests, interval, randomUUID()] as const;
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(ACQUIRE_SCRIPT_SHA, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      reply = await this.redis.eval(ACQUIRE_SCRIPT, ...args);
    }
    const [granted, waitMs] = reply as [number, number];
    return granted === 1 ? 0 : Number(waitMs);
  }
}

function assertValidLimit(limit: RateLimit): void {
  if (!(limit.requests >= 1) || !(limit.intervalMs > 0)) {
    throw new RangeError(
      `Invalid rate limit ${limit.requests} requests / ${limit.intervalMs} ms: both must be positive`,
    );
  }
}
