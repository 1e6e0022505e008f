import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../../src/config/config.module';
import { DatabaseModule } from '../../../src/database/database.module';
import { ProfilesModule } from '../../../src/profiles/profiles.module';
import type { IngestResult } from '../../../src/profiles/ingest/ingest-job';
import { ProfileStore } from '../../../src/profiles/store/profile-store.service';
import { createConnection } from '../../factories/connection-row.factory';
import { buildIngestItem } from '../../factories/ingest-item.factory';
import { TestEnvironment, createTestEnvironment } from '../../support/test-environment';

/** What a test says of a record; the rest `buildIngestItem` fills in. */
export type RecordFields = NonNullable<Parameters<typeof buildIngestItem>[0]>;

/** A migrated database plus the real ProfilesModule on top of it (no HTTP, no queues). */
export interface ProfilesTestApp {
  env: TestEnvironment;
  module: TestingModule;
  store: ProfileStore;
  dataSource: DataSource;
  /** The profile that owns an identifier value (email or phone), if any. */
  ownerOf(value: string): Promise<string | undefined>;
  /** The same, failing the test when no profile owns it. */
  requireOwner(value: string): Promise<string>;
  /** `count` bare connection rows (see `createConnection`): their ids. */
  createConnections(count: number): Promise<string[]>;
  /** Ingests one record, alone in a sync's batch. */
  ingestRecord(fields: RecordFields): Promise<IngestResult>;
  close(): Promise<void>;
}

export async function createProfilesTestApp(): Promise<ProfilesTestApp> {
  const env = await createTestEnvironment();
  const ownerOf = async (value: string) =>
    (
      await env.sql<{ profile_id: string }>(
        `SELECT profile_id FROM profile_identifier WHERE value = $1`,
        [value],
      )
    )[0]?.profile_id as string | undefined;
  const module = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env.config), DatabaseModule, ProfilesModule],
  }).compile();
  await module.init();
  const store = module.get(ProfileStore);
  return {
    env,
    module,
    store,
    dataSource: module.get(DataSource),
    ownerOf,
    requireOwner: async (value) => {
      const owner = await ownerOf(value);
      if (owner === undefined) throw new Error(`no profile owns ${value}`);
      return owner;
    },
    createConnections: async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) ids.push(await createConnection(env.sql));
      return ids;
    },
    ingestRecord: (fields) => store.ingest([buildIngestItem(fields)], { kind: 'sync' }),
    close: async () => {
      await module.close();
      await env.teardown();
    },
  };
}
