import { Module } from '@nestjs/common';
import { WorkerMetricsServer } from './worker-metrics.server';

/** The worker's metrics listener (WORKER_METRICS_PORT); nothing when that is unset. */
@Module({ providers: [WorkerMetricsServer] })
export class WorkerMetricsModule {}
