import { getQueueToken } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ALL_QUEUES } from './queue-names';

/** Every queue by name: for code that works on all of them (dead letters, metrics). */
export class QueueDirectory {
  constructor(private readonly queues: ReadonlyMap<string, Queue>) {}

  all(): Queue[] {
    return [...this.queues.values()];
  }

  get(name: string): Queue | undefined {
    return this.queues.get(name);
  }
}

export const queueDirectoryProvider: Provider = {
  provide: QueueDirectory,
  inject: ALL_QUEUES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]) =>
    new QueueDirectory(new Map(queues.map((queue) => [queue.name, queue]))),
};
