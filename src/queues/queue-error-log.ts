import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { QueueDirectory } from './queue-directory';

/** Error codes and messages with which ioredis reports a connection it lost or cannot make. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const CONNECTION_ERROR_MESSAGE = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest/;

export function isRedisConnectionError(error: NodeJS.ErrnoException): boolean {
  return (
    (error.code !== undefined && CONNECTION_ERROR_CODES.has(error.code)) ||
    CONNECTION_ERROR_MESSAGE.test(error.message)
  );
}

/**
 * Gives every queue an `error` listener. Without one BullMQ prints each error as a plain-text
 * stack trace on stderr, which JSON log pipelines cannot read: during a Redis outage, one per
 * queue at every reconnect attempt. Queues share the process's Redis client, whose outage
 * `logConnectionState` already reports once, so connection errors are left to it; anything
 * else is logged with the queue's name.
 */
@Injectable()
export class QueueErrorLog implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(private readonly directory: QueueDirectory) {}

  onModuleInit(): void {
    for (const queue of this.directory.all()) {
      queue.on('error', (error: NodeJS.ErrnoException) => {
        if (isRedisConnectionError(error)) return;
        this.logger.error(
          { queue: queue.name, err: { message: error.message, code: error.code } },
          'queue error',
        );
      });
    }
  }
}
