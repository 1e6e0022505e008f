import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueueDirectory } from '../queues/queue-directory';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { webhookInboxKeys } from '../webhooks/webhook-inbox';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const JOB_OUTCOMES = ['completed', 'failed'] as const;

/**
 * Prometheus metrics of this process. Queue depths and job outcomes are read from Redis
 * when scraped, so the API reports cluster-wide figures although the workers process the
 * jobs (BullMQ workers record outcome counts in Redis; see `workerMetricsOptions`).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly outcomesSeen = new Map<string, number>();

  constructor(
    directory: QueueDirectory,
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const queues = directory.all();
    const inbox = webhookInboxKeys(config.queuePrefix).stream;
    collectDefaultMetrics({ register: this.registry, prefix: 'syncline_' });

    this.httpDuration = new Histogram({
      name: 'syncline_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });

    new Gauge({
      name: 'syncline_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          queues.map(async (queue) => {
            const counts = await queue.getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES)
              this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });

    new Gauge({
      name: 'syncline_webhook_inbox_entries',
      help: 'Accepted webhook events not yet relayed to the webhooks queue',
      registers: [this.registry],
      async collect() {
        this.set(await redis.xlen(inbox));
      },
    });

    const outcomesSeen = this.outcomesSeen;
    new Counter({
      name: 'syncline_queue_job_outcomes_total',
      help: 'Jobs finished by queue and outcome, across all workers',
      labelNames: ['queue', 'outcome'],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          queues.flatMap((queue) =>
            JOB_OUTCOMES.map(async (outcome) => {
              const { meta } = await queue.getMetrics(outcome, 0, 0);
              const key = `${queue.name}:${outcome}`;
              const delta = meta.count - (outcomesSeen.get(key) ?? 0);
              outcomesSeen.set(key, meta.count);
              if (delta >= 0) this.inc({ queue: queue.name, outcome }, delta);
            }),
          ),
        );
      },
    });
  }
}
