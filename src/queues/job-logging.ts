import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

/**
 * Runs a job's work with a logger bound to the job, so every line logged through Nest's
 * `Logger` or `PinoLogger` inside it carries `jobId` and `queue`, as HTTP lines carry the
 * request id.
 */
@Injectable()
export class JobLogContext {
  constructor(private readonly pino: PinoLogger) {}

  run<T>(job: Job, work: () => Promise<T>): Promise<T> {
    const logger = this.pino.logger.child({ jobId: job.id, queue: job.queueName });
    return storage.run(new Store(logger), work);
  }
}
