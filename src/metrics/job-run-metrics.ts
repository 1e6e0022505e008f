import { RATE_LIMIT_ERROR, type Job } from 'bullmq';
import { Counter, Histogram, Registry } from 'prom-client';

type JobOutcome = 'completed' | 'failed';

/**
 * Errors a processor throws to hand its job back to BullMQ (delayed, as while PostgreSQL is
 * unreachable, waiting, rate-limited) without failing it. BullMQ counts no outcome for them,
 * and matches them by name, as here, so that a second copy of bullmq is recognised too.
 */
const HAND_BACK_ERRORS = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

function handsJobBack(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return HAND_BACK_ERRORS.has(error.name) || error.message === RATE_LIMIT_ERROR;
}

/**
 * How long the jobs this process runs take, and how they end, by queue. Each try counts on
 * its own: a job that fails twice and then completes is two `failed` runs and one `completed`.
 */
export class JobRunMetrics {
  private readonly duration: Histogram<'queue' | 'outcome'>;
  private readonly runs: Counter<'queue' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'syncline_worker_job_duration_seconds',
      help: 'How long this worker process took to run a job (one try), by queue and outcome',
      labelNames: ['queue', 'outcome'],
      // From an ingest batch (milliseconds) to a full sync of a large connection (an hour).
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    });
    this.runs = new Counter({
      name: 'syncline_worker_job_runs_total',
      help: 'Job tries this worker process finished, by queue and outcome (a try BullMQ retries later counts as failed)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
  }

  /** Runs `work`, the processing of `job`, and records its duration and outcome. */
  async time<T>(job: Job, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.record(job.queueName, 'completed', started);
      return result;
    } catch (error) {
      if (!handsJobBack(error)) this.record(job.queueName, 'failed', started);
      throw error;
    }
  }

  private record(queue: string, outcome: JobOutcome, started: number): void {
    this.duration.observe({ queue, outcome }, (performance.now() - started) / 1000);
    this.runs.inc({ queue, outcome });
  }
}
