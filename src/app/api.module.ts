import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';

/** HTTP-only parts: health, metrics. Feature controllers come with their feature modules. */
@Module({
  imports: [HealthModule, MetricsModule],
})
export class ApiModule {}
