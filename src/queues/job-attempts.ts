import type { Job } from 'bullmq';

/** True while running a job's last try: if it fails now, it goes to the dead letters. */
export function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
