import { randomBytes } from 'node:crypto';
import { keyId } from '../../src/common/crypto/secret-box';
import { loadConfig } from '../../src/config/load-config';
import { HubspotEmulator } from '../emulators/hubspot';
import { startTestApp, TestApp } from '../support/test-app';
import { startWebhookListener, WebhookListener } from '../support/webhook-listener';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

const ACCESS_TOKEN = 'pat-na1-safety-access-token';
const CLIENT_SECRET = 'safety-client-secret';

interface ConnectionBody {
  id: string;
  connectorInstalled: boolean;
  credentials: Record<string, { set: boolean }>;
  [key: string]: unknown;
}

/**
 * Connections in awkward states (connector uninstalled, key lost) stay manageable, and stored
 * credentials never leave for a host they were not entered for.
 */
describe('connection safety', () => {
  let env: TestEnvironment;
  let hubspot: HubspotEmulator;
  let attacker: WebhookListener;
  let app: TestApp;

  beforeAll(async () => {
    env = await createTestEnvironment();
    hubspot = new HubspotEmulator({ accessTokens: [ACCESS_TOKEN, 'rotated-token'] });
    await hubspot.start();
    attacker = await startWebhookListener();
    app = await startTestApp(env.config);
  });

  afterAll(async () => {
    await app?.close();
    await attacker?.close();
    await hubspot?.stop();
    await env?.teardown();
  });

  const create = async (body: Record<string, unknown> = {}): Promise<ConnectionBody> => {
    const response = await app.request('POST', '/v1/connections', {
      body: {
        connector: 'hubspot',
        name: `safety ${Math.random().toString(36).slice(2)}`,
        config: { baseUrl: hubspot.baseUrl },
        credentials: { accessToken: ACCESS_TOKEN, clientSecret: CLIENT_SECRET },
        direction: 'pull',
        ...body,
      },
    });
    expect(response.status).toBe(201);
    return response.body as ConnectionBody;
  };

  const storedCredentials = async (id: string) =>
    (
      await env.sql<{ credentials: Record<string, string> }>(
        'SELECT credentials FROM connection WHERE id = $1',
        [id],
      )
    )[0].credentials;

  describe('a connection whose connector is not installed', () => {
    let id: string;

    beforeAll(async () => {
      id = (await create()).id;
      // As if the connector's folder had been removed since the connection was made.
      await env.sql(`UPDATE connection SET connector = 'retired-crm' WHERE id = $1`, [id]);
    });

    it('is listed and shown, flagged, with its stored credential fields', async () => {
      const list = await app.request('GET', '/v1/connections?limit=200');
      expect(list.status).toBe(200);
      const listed = (list.body as { data: ConnectionBody[] }).data.find((c) => c.id === id);
      const shown = await app.request('GET', `/v1/connections/${id}`);
      expect(shown.status).toBe(200);
      for (const connection of [listed, shown.body]) {
        expect(connection).toMatchObject({
          connector: 'retired-crm',
          connectorInstalled: false,
          credentials: { accessToken: { set: true }, clientSecret: { set: true } },
          webhookUrl: null,
        });
      }
      expect((await create()).connectorInstalled).toBe(true);
    });

    it('checks as not ok, with the reason', async () => {
      const check = await app.request('POST', `/v1/connections/${id}/check`);
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({
        ok: false,
        message: expect.stringContaining('"retired-crm", which is not installed'),
      });
    });

    it('refuses a sync with 409 saying why, and queues no run', async () => {
      const sync = await app.request('POST', `/v1/connections/${id}/syncs`, { body: {} });
      expect(sync.status).toBe(409);
      expect((sync.body as { message: string }).message).toMatch(/"retired-crm".*not installed/);
      expect(await env.sql('SELECT id FROM sync_run WHERE connection_id = $1', [id])).toEqual([]);
    });

    it('can be renamed but not reconfigured, and deleted', async () => {
      const renamed = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { name: 'retired', enabled: false },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'retired', enabled: false });
      const reconfigured = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { config: {} },
      });
      expect(reconfigured.status).toBe(409);
      expect((await app.request('DELETE', `/v1/connections/${id}`)).status).toBe(204);
      expect((await app.request('GET', `/v1/connections/${id}`)).status).toBe(404);
    });
  });

  describe('a PATCH that changes the host the credentials go to', () => {
    it('needs every stored credential again; nothing reaches the new host before', async () => {
      const { id } = await create();
      const sealed = await storedCredentials(id);
      const redirected = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { config: { baseUrl: attacker.url } },
      });
      expect(redirected.status).toBe(400);
      expect(redirected.body).toMatchObject({ errors: [{ field: 'credentials' }] });
      expect((redirected.body as { message: string }).message).toContain(
        'accessToken, clientSecret',
      );

      // Entering one secret is not enough: the other would still be sent along.
      const halfway = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { config: { baseUrl: attacker.url }, credentials: { accessToken: 'x' } },
      });
      expect(halfway.status).toBe(400);
      expect((halfway.body as { message: string }).message).toContain('(clientSecret)');

      // Nothing was changed, and the check still goes to the original host.
      expect((await app.request('GET', `/v1/connections/${id}`)).body).toMatchObject({
        config: { baseUrl: hubspot.baseUrl },
      });
      expect(await storedCredentials(id)).toEqual(sealed);
      expect((await app.request('POST', `/v1/connections/${id}/check`)).body).toMatchObject({
        ok: true,
      });
      expect(attacker.received).toEqual([]);

      const moved = await app.request('PATCH', `/v1/connections/${id}`, {
        body: {
          config: { baseUrl: attacker.url },
          credentials: { accessToken: 'entered-for-the-new-host', clientSecret: null },
        },
      });
      expect(moved.status).toBe(200);
      await app.request('POST', `/v1/connections/${id}/check`);
      expect(attacker.received.map((request) => request.headers.authorization)).toEqual([
        'Bearer entered-for-the-new-host',
      ]);
    });

    it('is not needed for other config changes, nor for the same origin', async () => {
      const { id } = await create();
      for (const config of [
        { baseUrl: hubspot.baseUrl, requestsPer10Seconds: 50 },
        { baseUrl: `${hubspot.baseUrl}/` },
      ]) {
        const response = await app.request('PATCH', `/v1/connections/${id}`, { body: { config } });
        expect({ config, status: response.status }).toEqual({ config, status: 200 });
      }
    });

    it('counts the fields a connector builds its host from (Shopify shopDomain)', async () => {
      const { id } = await create({
        connector: 'shopify',
        config: { shopDomain: 'acme.myshopify.com' },
        credentials: { accessToken: 'shpat_safety' },
      });
      const otherShop = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { config: { shopDomain: 'elsewhere.example.org' } },
      });
      expect(otherShop.status).toBe(400);
      expect(otherShop.body).toMatchObject({ errors: [{ field: 'credentials' }] });
      const otherVersion = await app.request('PATCH', `/v1/connections/${id}`, {
        body: { config: { shopDomain: 'acme.myshopify.com', apiVersion: '2025-01' } },
      });
      expect(otherVersion.status).toBe(200);
    });
  });

  describe('after the key the credentials were sealed under is lost', () => {
    let lost: TestApp;
    let id: string;
    let sealed: Record<string, string>;

    beforeAll(async () => {
      id = (await create()).id;
      sealed = await storedCredentials(id);
      // A key lost for good: the service's own sealed salt is reset as its start-up error says.
      await env.sql(`DELETE FROM sealed_setting WHERE name = 'profile-suppression-salt'`);
      lost = await startTestApp(
        loadConfig({ ...env.env, SECRETS_KEY: randomBytes(32).toString('base64') }),
      );
    });

    afterAll(async () => {
      await lost?.close();
    });

    it('refuses a PATCH that would silently drop a value it cannot open, naming it', async () => {
      const partial = await lost.request('PATCH', `/v1/connections/${id}`, {
        body: { credentials: { accessToken: 'rotated-token' } },
      });
      expect(partial.status).toBe(400);
      expect(partial.body).toMatchObject({ errors: [{ field: 'credentials.clientSecret' }] });
      expect(await storedCredentials(id)).toEqual(sealed);

      const complete = await lost.request('PATCH', `/v1/connections/${id}`, {
        body: { credentials: { accessToken: 'rotated-token', clientSecret: 'new-secret' } },
      });
      expect(complete.status).toBe(200);
      expect(complete.body).toMatchObject({
        credentials: { accessToken: { set: true }, clientSecret: { set: true } },
      });
      expect((await lost.request('POST', `/v1/connections/${id}/check`)).body).toMatchObject({
        ok: true,
      });
    });

    it('answers a vendor webhook 503 without the internal detail', async () => {
      const { id: other } = await create();
      const delivery = await lost.request('POST', `/webhooks/${other}`, {
        token: null,
        body: [],
        headers: { 'x-hubspot-signature-v3': 'sig', 'x-hubspot-request-timestamp': '1' },
      });
      expect(delivery.status).toBe(503);
      expect(delivery.text).not.toContain(keyId(env.config.secretsKey));
      expect(delivery.text).not.toMatch(/SECRETS_KEY|credentials|accessToken|clientSecret/);
    });
  });
});
