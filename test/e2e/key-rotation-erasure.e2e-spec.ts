import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { DatabaseModule } from '../../src/database/database.module';
import { ProfileEraseService } from '../../src/profiles/privacy/profile-erase.service';
import { ProfilesModule } from '../../src/profiles/profiles.module';
import { ProfileStore } from '../../src/profiles/store/profile-store.service';
import { createConnection } from '../factories/connection-row.factory';
import { buildIngestItem } from '../factories/ingest-item.factory';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const SYNC = { kind: 'sync' as const };

/**
 * An erased person stays erased however SECRETS_KEY is rotated: the salt of the suppression
 * hashes must not change with the key, or the next sync would re-create everyone erased.
 */
describe('SECRETS_KEY rotation and erased people', () => {
  let env: TestEnvironment;
  let crm: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    crm = await createConnection(env.sql);
  });
  afterAll(() => env?.teardown());

  /** The profile store of a process started with `config`, for the duration of `work`. */
  async function withProfiles<T>(
    config: AppConfig,
    work: (store: ProfileStore, eraser: ProfileEraseService) => Promise<T>,
  ): Promise<T> {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, ProfilesModule],
    }).compile();
    await module.init();
    try {
      return await work(module.get(ProfileStore), module.get(ProfileEraseService));
    } finally {
      await module.close();
    }
  }

  const person = (updatedAt: string) => {
    const item = buildIngestItem({
      connectionId: crm,
      externalId: 'rot-1',
      traits: { email: 'rotated.away@private.io', firstName: 'Rita' },
    });
    item.record.updatedAt = updatedAt;
    return item;
  };
  const profileCount = async () =>
    (await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM profile`))[0].n;
  const keyText = (key: Buffer) => key.toString('base64');

  it('keeps suppressing an erased person after the key is rotated, and after the old key is dropped', async () => {
    const oldKey = env.config.secretsKey;
    await withProfiles(env.config, async (store, eraser) => {
      await store.ingest([person('2025-01-01T00:00:00.000Z')], SYNC);
      const [{ profile_id: id }] = await env.sql<{ profile_id: string }>(
        `SELECT profile_id FROM profile_identifier WHERE value = 'rotated.away@private.io'`,
      );
      await eraser.erase(id);
    });
    expect(await profileCount()).toBe(0);

    // The README's rotation: the current key moves to SECRETS_KEYS_PREVIOUS, a new one is set.
    const newKey = randomBytes(32);
    const rotated = loadConfig({
      ...env.env,
      SECRETS_KEY: keyText(newKey),
      SECRETS_KEYS_PREVIOUS: keyText(oldKey),
    });
    const afterRotation = await withProfiles(rotated, (store) =>
      store.ingest([person('2025-02-01T00:00:00.000Z')], SYNC),
    );
    expect(afterRotation).toMatchObject({ suppressed: 1, profilesCreated: 0 });

    // Once every process ran with the new key, the old one may go.
    const newKeyOnly = loadConfig({ ...env.env, SECRETS_KEY: keyText(newKey) });
    const afterDrop = await withProfiles(newKeyOnly, (store) =>
      store.ingest([person('2025-03-01T00:00:00.000Z')], SYNC),
    );
    expect(afterDrop).toMatchObject({ suppressed: 1, profilesCreated: 0 });
    expect(await profileCount()).toBe(0);
  });

  it('refuses to start, naming SECRETS_KEYS_PREVIOUS, when no configured key opens the stored salt', async () => {
    const unrelated = loadConfig({ ...env.env, SECRETS_KEY: keyText(randomBytes(32)) });
    await expect(withProfiles(unrelated, async () => undefined)).rejects.toThrow(
      /suppression salt .*cannot be opened.*Restore the key .* in SECRETS_KEYS_PREVIOUS.*DELETE FROM sealed_setting WHERE name = 'profile-suppression-salt'/s,
    );
    expect(await profileCount()).toBe(0);

    // The way out the message names when the key is lost for good.
    await env.sql(`DELETE FROM sealed_setting WHERE name = 'profile-suppression-salt'`);
    await expect(withProfiles(unrelated, async () => 'started')).resolves.toBe('started');
  });
});
