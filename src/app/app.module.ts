import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ApiModule } from './api.module';
import { CoreModule } from './core.module';
import { WorkerModule } from './worker.module';

/** The root module for a role: `api`, `worker`, or `all` (both in one process, for development). */
@Module({})
export class AppModule {
  static forRole(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        ...(config.role === 'worker' ? [] : [ApiModule]),
        ...(config.role === 'api' ? [] : [WorkerModule]),
      ],
    };
  }
}
