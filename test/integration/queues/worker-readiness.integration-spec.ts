/**
 * A worker process stopped right after it started (a deploy rolled back, a crash loop, a test)
 * must stop cleanly: BullMQ workers closed while still connecting raise an unhandled error.
 */
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { WorkerReadiness } from '../../../src/queues/worker-readiness';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

@Processor('readiness-a')
class FirstQueueProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

@Processor('readiness-b')
class SecondQueueProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

let env: TestEnvironment;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  env = await createTestEnvironment({ migrate: false });
  process.on('unhandledRejection', recordUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', recordUnhandled);
  await env.teardown();
});

async function startWorkers() {
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const moduleRef = await Test.createTestingModule({
    imports: [
      DiscoveryModule,
      BullModule.forRoot({ connection: redis, prefix: env.queuePrefix }),
      BullModule.registerQueue({ name: 'readiness-a' }, { name: 'readiness-b' }),
    ],
    providers: [FirstQueueProcessor, SecondQueueProcessor, WorkerReadiness],
  }).compile();
  moduleRef.useLogger(false);
  const app = await moduleRef.init();
  const stop = async () => {
    await app.close();
    redis.disconnect();
  };
  return { app, stop };
}

it('stops without an unhandled error when stopped as soon as it has started', async () => {
  for (let round = 0; round < 10; round += 1) {
    const { stop } = await startWorkers();
    await stop();
  }
  // Rejections surface a turn after the socket closes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(unhandled).toEqual([]);
});

it('logs a worker error as a JSON line naming the queue, once per outage', async () => {
  const { app, stop } = await startWorkers();
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  try {
    const worker = app.get(FirstQueueProcessor).worker;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    worker.emit('error', refused);
    worker.emit('error', refused);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      {
        connection: 'worker:readiness-a',
        err: { message: refused.message, code: 'ECONNREFUSED' },
      },
      expect.any(String),
    );
  } finally {
    warn.mockRestore();
    await stop();
  }
});
