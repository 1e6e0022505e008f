import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config';
import { keyId } from '../../src/common/crypto/secret-box';
import { HubspotEmulator } from '../emulators/hubspot';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

/** Rotating SECRETS_KEY as the README describes keeps every connection working. */
describe('SECRETS_KEY rotation', () => {
  let env: TestEnvironment;
  let hubspot: HubspotEmulator;

  beforeAll(async () => {
    env = await createTestEnvironment();
    hubspot = new HubspotEmulator({ accessTokens: ['rotation-token'] });
    await hubspot.start();
  });

  afterAll(async () => {
    await hubspot?.stop();
    await env?.teardown();
  });

  const storedKeyIds = async () => {
    const [row] = await env.sql<{ credentials: Record<string, string> }>(
      'SELECT credentials FROM connection',
    );
    return Object.values(row.credentials).map((sealed) => sealed.split('.')[1]);
  };

  it('opens values sealed under the previous key and re-seals them under the new one on the next write', async () => {
    const before = await startTestApp(env.config);
    const created = await before.request('POST', '/v1/connections', {
      body: {
        connector: 'hubspot',
        name: 'rotating',
        config: { baseUrl: hubspot.baseUrl },
        credentials: { accessToken: 'rotation-token' },
        direction: 'pull',
      },
    });
    await before.close();
    const id = (created.body as { id: string }).id;
    const oldKey = env.config.secretsKey;
    expect(await storedKeyIds()).toEqual([keyId(oldKey)]);

    const newKey = randomBytes(32);
    const after = await startTestApp(
      loadConfig({
        ...env.env,
        SECRETS_KEY: newKey.toString('base64'),
        SECRETS_KEYS_PREVIOUS: oldKey.toString('base64'),
      }),
    );
    try {
      const check = await after.request('POST', `/v1/connections/${id}/check`);
      expect(check.body).toMatchObject({ ok: true });

      const renamed = await after.request('PATCH', `/v1/connections/${id}`, {
        body: { name: 'rotated' },
      });
      expect(renamed.status).toBe(200);
      expect(await storedKeyIds()).toEqual([keyId(newKey)]);
      expect((await after.request('POST', `/v1/connections/${id}/check`)).body).toMatchObject({
        ok: true,
      });
    } finally {
      await after.close();
    }
  });

  it('says how to recover when the key a connection was sealed under is gone, and is repaired by new credentials', async () => {
    const sealedUnder = await storedKeyIds();
    const [{ id }] = await env.sql<{ id: string }>('SELECT id FROM connection');
    // A fresh key and no previous ones: the stored values no longer open. The service's own
    // sealed suppression salt is reset the way its start-up error says for a key lost for good.
    await env.sql(`DELETE FROM sealed_setting WHERE name = 'profile-suppression-salt'`);
    const lost = await startTestApp(
      loadConfig({ ...env.env, SECRETS_KEY: randomBytes(32).toString('base64') }),
    );
    try {
      const check = await lost.request('POST', `/v1/connections/${id}/check`);
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({ ok: false });
      expect((check.body as { message: string }).message).toMatch(
        /credentials of connection .* cannot be opened .*Restore the key in SECRETS_KEYS_PREVIOUS/s,
      );

      // Other edits still work and leave the credentials as they were.
      const renamed = await lost.request('PATCH', `/v1/connections/${id}`, {
        body: { name: 'key lost' },
      });
      expect(renamed.status).toBe(200);
      expect(await storedKeyIds()).toEqual(sealedUnder);

      const repaired = await lost.request('PATCH', `/v1/connections/${id}`, {
        body: { credentials: { accessToken: 'rotation-token' } },
      });
      expect(repaired.status).toBe(200);
      expect((await lost.request('POST', `/v1/connections/${id}/check`)).body).toMatchObject({
        ok: true,
      });
    } finally {
      await lost.close();
    }
  });
});
