import { MetricsTime } from 'bullmq';

/** Passed to every `@Processor`, so workers record completed/failed counts in Redis. */
export const workerMetricsOptions = { metrics: { maxDataPoints: MetricsTime.ONE_WEEK } } as const;
