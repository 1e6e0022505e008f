import type { Logger } from '@nestjs/common';

/** What is watched: an ioredis client, or a BullMQ worker (which re-emits its connections'). */
export interface ConnectionEvents {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Logs, as JSON lines, when a Redis connection is lost (once, at `warn`, not at every reconnect
 * attempt) and when it is back. Without an `error` listener ioredis prints a plain-text stack
 * trace to stderr at every failed attempt ("[ioredis] Unhandled error event"), which log
 * pipelines that expect JSON cannot read, and says nothing when the connection returns.
 */
export function logConnectionState(
  client: ConnectionEvents,
  logger: Logger,
  connection: string,
): void {
  let lost = false;
  client.on('error', (error: NodeJS.ErrnoException) => {
    if (lost) return;
    lost = true;
    logger.warn(
      { connection, err: { message: error.message, code: error.code } },
      'Redis connection lost; reconnecting',
    );
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.log({ connection }, 'Redis connection restored');
  });
}
