import Redis, { RedisOptions } from 'ioredis';
import { StartupError } from '../bootstrap/startup-error';

/**
 * Options shared by every Syncline Redis connection. `maxRetriesPerRequest: null` is what
 * BullMQ workers require; readiness probes and webhook enqueues put their own time limits
 * around calls so an outage is reported instead of waited out.
 */
export function createRedisClient(redisUrl: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl, {
    connectionName: `syncline:${name}`,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...extra,
  });
}

/** Fails start-up with the address and the way to start Redis when it does not answer. */
export async function assertRedisReachable(redisUrl: string): Promise<void> {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: NodeJS.ErrnoException | undefined;
  probe.on('error', (error: NodeJS.ErrnoException) => (lastError = error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const url = new URL(redisUrl);
    const cause = lastError ?? (error as NodeJS.ErrnoException);
    const reason = cause.code ?? cause.message;
    throw new StartupError(
      `Cannot reach Redis at ${url.hostname}:${url.port || 6379} (${reason}). ` +
        'Check REDIS_URL, or start Redis: `redis-server --daemonize yes --bind 127.0.0.1 --port 6379` ' +
        'or `docker compose up -d redis`.',
    );
  } finally {
    probe.disconnect();
  }
}
