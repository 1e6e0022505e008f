import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

/**
 * Runs a job's work with a logger bound to the job, so every line logged through Nest's
 * `Logger` or `PinoLogger` inside it carries `jobId` and `queue` (as HTTP lines carry the
 * request id).
 */
export function runWithJobLogger<T>(job: Job, work: () => Promise<T>): Promise<T> {
  const logger = PinoLogger.root.child({ jobId: job.id, queue: job.queueName });
  return storage.run(new Store(logger), work);
}
