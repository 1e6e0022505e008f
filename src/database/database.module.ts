import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * The TypeORM connection. Entities register themselves from their feature modules
 * (`TypeOrmModule.forFeature`); the schema is owned by migrations, never synchronised.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        type: 'postgres' as const,
        url: config.databaseUrl,
        autoLoadEntities: true,
        synchronize: false,
        migrationsRun: false,
        extra: { max: 10, application_name: `syncline-${config.role}` },
      }),
    }),
  ],
})
export class DatabaseModule {}
