import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EventEmitter } from 'node:events';
import { QueueDirectory } from './queue-directory';
import { isRedisConnectionError, QueueErrorLog } from './queue-error-log';

/** Only what the log uses of a queue: its name and its events. */
function queueNamed(name: string): Queue {
  return Object.assign(new EventEmitter(), { name }) as unknown as Queue;
}

const errorWith = (message: string, code?: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

describe('QueueErrorLog', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  function watched(...names: string[]): Queue[] {
    const queues = names.map(queueNamed);
    new QueueErrorLog(new QueueDirectory(new Map(queues.map((q) => [q.name, q])))).onModuleInit();
    return queues;
  }

  it('logs an error other than a lost connection as JSON, naming the queue', () => {
    const [, outbound] = watched('ingest', 'outbound');
    outbound.emit('error', errorWith('ERR Error running script', 'ERR'));
    expect(logged).toHaveBeenCalledWith(
      { queue: 'outbound', err: { message: 'ERR Error running script', code: 'ERR' } },
      'queue error',
    );
  });

  it('leaves lost connections to the Redis client’s own log, without throwing', () => {
    const [ingest] = watched('ingest');
    expect(() => {
      ingest.emit('error', errorWith('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'));
      ingest.emit('error', errorWith('Connection is closed.'));
    }).not.toThrow();
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('isRedisConnectionError', () => {
  it.each([
    ['refused', errorWith('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')],
    ['reset', errorWith('read ECONNRESET', 'ECONNRESET')],
    ['name lookup', errorWith('getaddrinfo ENOTFOUND redis', 'ENOTFOUND')],
    ['closed by ioredis', errorWith('Connection is closed.')],
    ['offline queue', errorWith("Stream isn't writeable and enableOfflineQueue options is false")],
  ])('%s is a connection error', (_what, error) => {
    expect(isRedisConnectionError(error)).toBe(true);
  });

  it.each([
    ['a script error', errorWith('ERR Error running script', 'ERR')],
    ['a refused write', errorWith("READONLY You can't write against a read only replica.")],
    ['an unknown failure', errorWith('Missing lock for job 42. moveToFinished')],
  ])('%s is not', (_what, error) => {
    expect(isRedisConnectionError(error)).toBe(false);
  });
});
