import { DelayedError, type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { Registry } from 'prom-client';
import { JobRunMetrics } from './job-run-metrics';

const job = (queueName: string) => ({ id: '1', queueName }) as Job;

/** The value of one sample (a counter, a histogram's `_count` or `_sum`) with these labels. */
async function sampleValue(registry: Registry, name: string, labels: Record<string, string>) {
  const samples = (await registry.getMetricsAsJSON()).flatMap((metric) =>
    metric.values.map((value) => ({
      ...value,
      name: (value as { metricName?: string }).metricName ?? metric.name,
    })),
  );
  return samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  )?.value;
}

describe('JobRunMetrics', () => {
  let registry: Registry;
  let metrics: JobRunMetrics;

  beforeEach(() => {
    registry = new Registry();
    metrics = new JobRunMetrics(registry);
  });

  const runs = (queue: string, outcome: string) =>
    sampleValue(registry, 'syncline_worker_job_runs_total', { queue, outcome });
  const timed = (queue: string, outcome: string) =>
    sampleValue(registry, 'syncline_worker_job_duration_seconds_count', { queue, outcome });
  const totalSeconds = (queue: string, outcome: string) =>
    sampleValue(registry, 'syncline_worker_job_duration_seconds_sum', { queue, outcome });

  it('times a completed run under its queue and hands back its result', async () => {
    const result = await metrics.time(job('ingest'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { stored: 3 };
    });
    expect(result).toEqual({ stored: 3 });
    expect(await runs('ingest', 'completed')).toBe(1);
    expect(await timed('ingest', 'completed')).toBe(1);
    expect(await totalSeconds('ingest', 'completed')).toBeGreaterThanOrEqual(0.025);
    expect(await runs('ingest', 'failed')).toBeUndefined();
  });

  it('counts a try that throws as failed, and lets the error through', async () => {
    const refused = new UnrecoverableError('Destination refused the profile');
    await expect(metrics.time(job('outbound'), () => Promise.reject(refused))).rejects.toBe(
      refused,
    );
    await expect(
      metrics.time(job('outbound'), () => Promise.reject(new Error('deadlock detected'))),
    ).rejects.toThrow('deadlock detected');
    expect(await runs('outbound', 'failed')).toBe(2);
    expect(await timed('outbound', 'failed')).toBe(2);
    expect(await runs('outbound', 'completed')).toBeUndefined();
  });

  it('counts nothing for a job handed back to BullMQ (waiting for PostgreSQL, for children)', async () => {
    for (const handBack of [new DelayedError(), new WaitingChildrenError()]) {
      await expect(metrics.time(job('sync'), () => Promise.reject(handBack))).rejects.toBe(
        handBack,
      );
    }
    expect(await runs('sync', 'failed')).toBeUndefined();
    expect(await runs('sync', 'completed')).toBeUndefined();
    expect(await timed('sync', 'failed')).toBeUndefined();
  });
});
