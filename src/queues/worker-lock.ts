import type { Worker } from 'bullmq';

/**
 * Applies JOB_LOCK_MS to a worker declared with `autorun: false`, then starts it. The
 * `@Processor` options are static, so lock settings from the validated config can only be
 * set between construction and `run()`. A killed worker's jobs return to the queue once
 * their lock lapses; renewal happens well within it.
 */
export function runWithLock(
  worker: Worker,
  lockMs: number,
  onStop: (error: unknown) => void,
): void {
  worker.opts.lockDuration = lockMs;
  worker.opts.lockRenewTime = lockMs / 2;
  worker.opts.stalledInterval = lockMs;
  worker.run().catch(onStop);
}
