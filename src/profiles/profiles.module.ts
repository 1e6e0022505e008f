import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ProfileQueryService } from './api/profile-query.service';
import { ProfileReadRepository } from './api/profile-read.repository';
import { ProfilesController } from './api/profiles.controller';
import { CONNECTION_RANKING } from './connections/connection-ranking';
import { ConnectionRankingRepository } from './connections/connection-ranking.repository';
import { PROFILE_ENTITIES } from './entities';
import { IDENTITY_RULES } from './identity/identity-rules';
import { loadIdentityRules } from './identity/identity-rules.loader';
import { ProfileSplitService } from './merges/profile-split.service';
import { ProfileEraseService } from './privacy/profile-erase.service';
import {
  loadSuppressionSalt,
  SUPPRESSION_SALT,
  SuppressionHasher,
} from './privacy/suppression-hasher';
import { ProfileBatchRepository } from './store/profile-batch.repository';
import { ProfileRecomputeRepository } from './store/profile-recompute.repository';
import { ProfileStore } from './store/profile-store.service';

/**
 * The canonical profile store: ingest, identity resolution, survivorship, merges/splits,
 * erase/export and the profile REST API. Imported by both processes; the queue consumer
 * (the `ingest` processor) lives in `SyncWorkerModule`, which also reports batch results to sync runs.
 */
@Module({
  imports: [TypeOrmModule.forFeature(PROFILE_ENTITIES)],
  controllers: [ProfilesController],
  providers: [
    {
      provide: IDENTITY_RULES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loadIdentityRules(config.defaultPhoneRegion),
    },
    { provide: CONNECTION_RANKING, useClass: ConnectionRankingRepository },
    {
      provide: SUPPRESSION_SALT,
      inject: [DataSource, APP_CONFIG],
      useFactory: loadSuppressionSalt,
    },
    SuppressionHasher,
    ProfileBatchRepository,
    ProfileRecomputeRepository,
    ProfileStore,
    ProfileSplitService,
    ProfileEraseService,
    ProfileReadRepository,
    ProfileQueryService,
  ],
  exports: [ProfileStore, ProfileSplitService, ProfileEraseService, ProfileQueryService],
})
export class ProfilesModule {}
