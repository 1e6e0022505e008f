import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

/** Wraps each job's work, e.g. to time it; it must hand back what `work` settles with. */
export type JobRunWatcher = <T>(job: Job, work: () => Promise<T>) => Promise<T>;

/**
 * Runs a job's work with a logger bound to the job, so every line logged through Nest's
 * `Logger` or `PinoLogger` inside it carries `jobId` and `queue`, as HTTP lines carry the
 * request id. Every processor runs its jobs through here, which makes it the one place to
 * watch them all (the worker's metrics).
 */
@Injectable()
export class JobLogContext {
  private watcher: JobRunWatcher | undefined;

  constructor(private readonly pino: PinoLogger) {}

  watchRuns(watcher: JobRunWatcher): void {
    this.watcher = watcher;
  }

  run<T>(job: Job, work: () => Promise<T>): Promise<T> {
    const logger = this.pino.logger.child({ jobId: job.id, queue: job.queueName });
    const watcher = this.watcher;
    return storage.run(new Store(logger), watcher ? () => watcher(job, work) : work);
  }
}
