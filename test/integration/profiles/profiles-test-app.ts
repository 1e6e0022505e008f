import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../../src/config/config.module';
import { DatabaseModule } from '../../../src/database/database.module';
import { ProfilesModule } from '../../../src/profiles/profiles.module';
import { ProfileStore } from '../../../src/profiles/store/profile-store.service';
import { TestEnvironment, createTestEnvironment } from '../../support/test-environment';

/** A migrated database plus the real ProfilesModule on top of it (no HTTP, no queues). */
export interface ProfilesTestApp {
  env: TestEnvironment;
  module: TestingModule;
  store: ProfileStore;
  dataSource: DataSource;
  /** The profile that owns an identifier value (email or phone), if any. */
  ownerOf(value: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function createProfilesTestApp(): Promise<ProfilesTestApp> {
  const env = await createTestEnvironment();
  const module = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env.config), DatabaseModule, ProfilesModule],
  }).compile();
  await module.init();
  return {
    env,
    module,
    store: module.get(ProfileStore),
    dataSource: module.get(DataSource),
    ownerOf: async (value) =>
      (
        await env.sql<{ profile_id: string }>(
          `SELECT profile_id FROM profile_identifier WHERE value = $1`,
          [value],
        )
      )[0]?.profile_id,
    close: async () => {
      await module.close();
      await env.teardown();
    },
  };
}
