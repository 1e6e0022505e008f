import { Module } from '@nestjs/common';
import { WorkerMetricsModule } from '../metrics/worker-metrics.module';
import { OutboundWorkerModule } from '../outbound/outbound-worker.module';
import { SyncWorkerModule } from '../sync/sync-worker.module';
import { WebhooksWorkerModule } from '../webhooks/webhooks-worker.module';

/**
 * Queue consumers and schedulers, and their metrics listener (WORKER_METRICS_PORT). Only this
 * module registers `@Processor` classes, so an API-only process never takes jobs off a queue.
 */
@Module({
  imports: [SyncWorkerModule, WebhooksWorkerModule, OutboundWorkerModule, WorkerMetricsModule],
})
export class WorkerModule {}
