import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { jobOwner } from './dead-letter';
import { DeadLetterRepository } from './dead-letter.repository';
import { QueueDirectory } from '../queues/queue-directory';

/** Jobs moved per queue per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 200;

/**
 * Moves jobs from BullMQ's failed sets (where a job lands once its retries are exhausted)
 * into the `dead_letter` table, which keeps them until replayed, and out of Redis. Sweeping
 * (rather than listening to `failed` events) cannot miss a job when a process dies between
 * the failure and the event; two processes sweeping at once store each job once.
 */
@Injectable()
export class DeadLetterSweeper {
  private readonly logger = new Logger(DeadLetterSweeper.name);

  constructor(
    private readonly queues: QueueDirectory,
    private readonly deadLetters: DeadLetterRepository,
  ) {}

  /** @returns how many jobs this call stored. */
  async sweep(): Promise<number> {
    let stored = 0;
    for (const queue of this.queues.all()) {
      const failed = await queue.getFailed(0, SWEEP_BATCH - 1);
      for (const job of failed) {
        if (await this.store(queue.name, job)) stored += 1;
        // Once stored, the copy in Redis is redundant; a job removed meanwhile is fine too.
        await job.remove().catch(() => undefined);
      }
    }
    if (stored > 0) this.logger.warn({ stored }, 'jobs moved to the dead letters');
    return stored;
  }

  private store(queue: string, job: Job): Promise<boolean> {
    return this.deadLetters.insert({
      queue,
      jobName: job.name,
      jobId: job.id ?? null,
      data: job.data,
      error: job.failedReason || 'failed without a reason',
      attempts: job.attemptsMade,
      ...jobOwner(job.data),
      failedAt: new Date(job.finishedOn ?? Date.now()),
    });
  }
}
