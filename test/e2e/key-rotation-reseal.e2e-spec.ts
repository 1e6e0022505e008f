import { randomBytes } from 'node:crypto';
import { keyId } from '../../src/common/crypto/secret-box';
import { loadConfig } from '../../src/config/load-config';
import { HubspotEmulator } from '../emulators/hubspot';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

/**
 * A rotation can be finished: once every process has started with the new SECRETS_KEY, every
 * connection is sealed under it, edited since or not, so the old key can be dropped.
 */
describe('SECRETS_KEY rotation of connections nobody edits', () => {
  let env: TestEnvironment;
  let hubspot: HubspotEmulator;

  beforeAll(async () => {
    env = await createTestEnvironment();
    hubspot = new HubspotEmulator({ accessTokens: ['untouched-token'] });
    await hubspot.start();
  });

  afterAll(async () => {
    await hubspot?.stop();
    await env?.teardown();
  });

  const storedKeyIds = async (id: string) => {
    const [row] = await env.sql<{ credentials: Record<string, string> }>(
      'SELECT credentials FROM connection WHERE id = $1',
      [id],
    );
    return Object.values(row.credentials).map((sealed) => sealed.split('.')[1]);
  };
  const keyText = (key: Buffer) => key.toString('base64');

  it('re-seals every connection at start-up, so the previous key can then be dropped', async () => {
    const before = await startTestApp(env.config);
    const created = await before.request('POST', '/v1/connections', {
      body: {
        connector: 'hubspot',
        name: 'untouched',
        config: { baseUrl: hubspot.baseUrl },
        credentials: { accessToken: 'untouched-token', clientSecret: 'untouched-secret' },
        direction: 'pull',
      },
    });
    await before.close();
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const oldKey = env.config.secretsKey;

    const newKey = randomBytes(32);
    const rotated = await startTestApp(
      loadConfig({
        ...env.env,
        SECRETS_KEY: keyText(newKey),
        SECRETS_KEYS_PREVIOUS: keyText(oldKey),
      }),
    );
    await rotated.close();
    expect(await storedKeyIds(id)).toEqual([keyId(newKey), keyId(newKey)]);

    const oldKeyDropped = await startTestApp(
      loadConfig({ ...env.env, SECRETS_KEY: keyText(newKey) }),
    );
    try {
      const check = await oldKeyDropped.request('POST', `/v1/connections/${id}/check`);
      expect(check.body).toMatchObject({ ok: true });
    } finally {
      await oldKeyDropped.close();
    }
  });
});
