import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerMetricsModule } from '../metrics/worker-metrics.module';
import { OutboundWorkerModule } from '../outbound/outbound-worker.module';
import { WorkerReadiness } from '../queues/worker-readiness';
import { SyncWorkerModule } from '../sync/sync-worker.module';
import { WebhooksWorkerModule } from '../webhooks/webhooks-worker.module';

/**
 * Queue consumers and schedulers, and their metrics listener (WORKER_METRICS_PORT). Only this
 * module registers `@Processor` classes, so an API-only process never takes jobs off a queue.
 */
@Module({
  imports: [
    DiscoveryModule,
    SyncWorkerModule,
    WebhooksWorkerModule,
    OutboundWorkerModule,
    WorkerMetricsModule,
  ],
  providers: [WorkerReadiness],
})
export class WorkerModule {}
