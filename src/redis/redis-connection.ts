import Redis, { RedisOptions } from 'ioredis';
import { StartupError } from '../bootstrap/startup-error';

/**
 * Options shared by every Syncline Redis connection. `maxRetriesPerRequest: null` is what
 * BullMQ workers require; readiness probes and webhook enqueues put their own time limits
 * around calls so an outage is reported instead of waited out. Connections made from this
 * client with `duplicate()` (BullMQ's blocking connections, the webhook inbox reader) keep
 * these options, `reconnectOnError` included.
 */
export function createRedisClient(redisUrl: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl, {
    connectionName: `syncline:${name}`,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    reconnectOnError: reconnectOnReadOnly,
    ...extra,
  });
}

/**
 * After a failover behind a stable endpoint (ElastiCache, a DNS name, a proxy), the open socket
 * still reaches the old primary, now a replica that refuses every write with `READONLY`; the
 * connection itself stays healthy, so nothing would ever reconnect and every write would fail
 * until a restart. Reconnecting resolves the endpoint again and reaches the new primary.
 *
 * `true`, not `2`: the failed command is rejected rather than resent. Its caller retries
 * (BullMQ moves the job on, a webhook answers 503 and the vendor retries), whereas a resent
 * command that was queued inside a MULTI would run on its own, outside its transaction.
 */
export function reconnectOnReadOnly(error: Error): boolean {
  return /\bREADONLY\b/.test(error.message);
}

/**
 * Fails start-up with the address and what to fix when Redis does not answer, or answers with
 * a refusal: a wrong password, or a database number it does not have (ioredis reports a failed
 * `SELECT` as an event only and carries on in database 0, so the probe checks for it).
 */
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
    if (lastError) throw lastError;
  } catch (error) {
    throw redisStartupError(redisUrl, lastError ?? (error as NodeJS.ErrnoException));
  } finally {
    probe.disconnect();
  }
}

function redisStartupError(redisUrl: string, cause: NodeJS.ErrnoException): StartupError {
  const url = new URL(redisUrl);
  const address = `${url.hostname}:${url.port || 6379}`;
  // A reply error means Redis answered: it is up, and refused what REDIS_URL asks of it.
  if (cause.name === 'ReplyError') {
    const hint = /^(NOAUTH|WRONGPASS)\b/.test(cause.message)
      ? 'Check the password (and user name) in REDIS_URL.'
      : /\bDB index\b/.test(cause.message)
        ? 'Check the database number in REDIS_URL.'
        : 'Check REDIS_URL.';
    return new StartupError(
      `Redis at ${address} refused the connection: ${cause.message.replace(/\.?$/, '.')} ${hint}`,
    );
  }
  return new StartupError(
    `Cannot reach Redis at ${address} (${cause.code ?? cause.message}). ` +
      'Check REDIS_URL, or start Redis: `redis-server --daemonize yes --bind 127.0.0.1 --port 6379` ' +
      'or `docker compose up -d redis`.',
  );
}
