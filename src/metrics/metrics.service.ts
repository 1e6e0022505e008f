import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../common/time/with-timeout';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueueDirectory } from '../queues/queue-directory';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { webhookInboxKeys } from '../webhooks/webhook-inbox';
import { collectProcessMetrics } from './process-metrics';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const JOB_OUTCOMES = ['completed', 'failed'] as const;
/**
 * How long a scrape waits for the figures held in Redis. The shared client queues commands
 * while Redis is away, so without a limit a scrape would wait out the whole outage and the
 * process metrics would go missing exactly when they are needed.
 */
const REDIS_READ_TIMEOUT_MS = 1000;

interface RedisFigures {
  jobs: { queue: string; state: string; count: number }[];
  inboxEntries: number;
  outcomeTotals: { queue: string; outcome: string; total: number }[];
}

/**
 * Prometheus metrics of this process. Queue depths and job outcomes are read from Redis
 * when scraped, so the API reports cluster-wide figures although the workers process the
 * jobs (BullMQ workers record outcome counts in Redis; see `workerMetricsOptions`). When
 * Redis does not answer, the scrape reports everything else, `syncline_metrics_redis_up 0`,
 * and no queue or inbox depths rather than stale ones.
 */
@Injectable()
export class MetricsService {
  /** Always reported. */
  readonly registry = new Registry();
  /** Reported only when this scrape could read them from Redis. */
  private readonly redisRegistry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly redisUp: Gauge;
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly inboxEntries: Gauge;
  private readonly jobOutcomes: Counter<'queue' | 'outcome'>;
  private readonly outcomesSeen = new Map<string, number>();
  private readonly inboxKey: string;

  constructor(
    private readonly directory: QueueDirectory,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.inboxKey = webhookInboxKeys(config.queuePrefix).stream;
    collectProcessMetrics(this.registry);

    this.httpDuration = new Histogram({
      name: 'syncline_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.redisUp = new Gauge({
      name: 'syncline_metrics_redis_up',
      help: 'Whether this scrape read queue depths and job outcomes from Redis (1) or left them out (0)',
      registers: [this.registry],
    });
    this.queueJobs = new Gauge({
      name: 'syncline_queue_jobs',
      help: 'Jobs in each queue by state, cluster-wide (every replica reports the same: aggregate with max, not sum)',
      labelNames: ['queue', 'state'],
      registers: [this.redisRegistry],
    });
    this.inboxEntries = new Gauge({
      name: 'syncline_webhook_inbox_entries',
      help: 'Accepted webhook events not yet relayed to the webhooks queue, cluster-wide (aggregate with max, not sum)',
      registers: [this.redisRegistry],
    });
    this.jobOutcomes = new Counter({
      name: 'syncline_queue_job_outcomes_total',
      help: 'Jobs finished by queue and outcome, across all workers (every replica reports the same: aggregate with max, not sum)',
      labelNames: ['queue', 'outcome'],
      registers: [this.redisRegistry],
    });
  }

  /** The Prometheus text of one scrape. */
  async scrape(): Promise<string> {
    const figures = await this.readRedisFigures();
    this.redisUp.set(figures ? 1 : 0);
    if (figures) this.apply(figures);
    const always = await this.registry.metrics();
    return figures ? always + (await this.redisRegistry.metrics()) : always;
  }

  private async readRedisFigures(): Promise<RedisFigures | null> {
    // A client that is reconnecting would only queue the commands.
    if (this.redis.status !== 'ready') return null;
    const queues = this.directory.all();
    try {
      const [jobs, inboxEntries, outcomeTotals] = await withTimeout(
        Promise.all([
          Promise.all(
            queues.map(async (queue) => {
              const counts = await queue.getJobCounts(...QUEUE_STATES);
              return QUEUE_STATES.map((state) => ({
                queue: queue.name,
                state,
                count: counts[state] ?? 0,
              }));
            }),
          ),
          this.redis.xlen(this.inboxKey),
          Promise.all(
            queues.flatMap((queue) =>
              JOB_OUTCOMES.map(async (outcome) => ({
                queue: queue.name,
                outcome,
                total: (await queue.getMetrics(outcome, 0, 0)).meta.count,
              })),
            ),
          ),
        ]),
        REDIS_READ_TIMEOUT_MS,
        'Redis',
      );
      return { jobs: jobs.flat(), inboxEntries, outcomeTotals };
    } catch {
      return null;
    }
  }

  /** Applied only once every figure was read, so a late answer never lands after a timeout. */
  private apply(figures: RedisFigures): void {
    for (const { queue, state, count } of figures.jobs) this.queueJobs.set({ queue, state }, count);
    this.inboxEntries.set(figures.inboxEntries);
    for (const { queue, outcome, total } of figures.outcomeTotals) {
      const key = `${queue}:${outcome}`;
      const delta = total - (this.outcomesSeen.get(key) ?? 0);
      this.outcomesSeen.set(key, total);
      if (delta >= 0) this.jobOutcomes.inc({ queue, outcome }, delta);
    }
  }
}
