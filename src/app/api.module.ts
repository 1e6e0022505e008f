import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { WebhooksModule } from '../webhooks/webhooks.module';

/** HTTP-only parts: health, metrics, the webhook receiver. Admin controllers come with their feature modules. */
@Module({
  imports: [HealthModule, MetricsModule, WebhooksModule],
})
export class ApiModule {}
