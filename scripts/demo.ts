/**
 * `npm run demo`: Syncline with a HubSpot emulator on loopback, end to end.
 *
 * Starts the emulator with a few sample contacts, starts Syncline (API and worker in one
 * process) against a fresh `syncline_demo` database, creates a HubSpot connection through
 * the REST API exactly as an admin would, checks its credentials, and prints where to look.
 * `--exit` stops after printing (used by the test suite); otherwise it runs until Ctrl-C.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApiApp } from '../src/app/create-api-app';
import { preflight } from '../src/bootstrap/preflight';
import { StartupError } from '../src/bootstrap/startup-error';
import { ConfigError, loadConfig } from '../src/config/load-config';
import { quoteIdentifier } from '../src/database/ensure-database';
import { parsePostgresUrl } from '../src/database/postgres-url';
import { HubspotEmulator } from '../test/emulators/hubspot';

const DEMO_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/syncline_demo';
const DEMO_HUBSPOT_TOKEN = 'demo-hubspot-private-app-token';

async function main(): Promise<void> {
  const exitAfterSetup = process.argv.includes('--exit');
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DEMO_DATABASE_URL ?? DEMO_DATABASE_URL,
    SECRETS_KEY: process.env.SECRETS_KEY ?? randomBytes(32).toString('base64'),
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? `demo_${randomBytes(18).toString('base64url')}`,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'syncline_demo',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HOST: process.env.HOST ?? '127.0.0.1',
  };
  const config = loadConfig(env);
  // A fresh database each run: the demo's secrets key is new each run too.
  await recreateDatabase(config.databaseUrl);

  const hubspot = new HubspotEmulator({ accessTokens: [DEMO_HUBSPOT_TOKEN] });
  await hubspot.start();
  hubspot.seedContacts(25);

  await preflight(config);
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://${config.host}:${address.port}`;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  const connection = await api('POST', '/v1/connections', {
    connector: 'hubspot',
    name: 'HubSpot (emulator)',
    config: { baseUrl: hubspot.baseUrl },
    credentials: { accessToken: DEMO_HUBSPOT_TOKEN },
    direction: 'pull',
    schedule: '15m',
  });
  const check = await api('POST', `/v1/connections/${String(connection.id)}/check`);

  const lines = [
    '',
    'Syncline demo is running.',
    '',
    `  API docs (OpenAPI UI)  ${baseUrl}/docs`,
    `  OpenAPI document       ${baseUrl}/docs-json`,
    `  Queue dashboard        ${baseUrl}/admin/queues   (user: admin, password: the token below)`,
    `  Readiness              ${baseUrl}/health/ready`,
    `  Metrics                ${baseUrl}/metrics`,
    '',
    `  Admin token            ${config.adminToken}`,
    `  HubSpot emulator       ${hubspot.baseUrl}  (25 sample contacts)`,
    `  Connection             ${baseUrl}/v1/connections/${String(connection.id)}`,
    `  Credential check       ${check.ok ? 'ok' : 'FAILED'}: ${String(check.message)}`,
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${config.adminToken}" ${baseUrl}/v1/connections/${String(connection.id)}`,
    `  curl -s -H "Authorization: Bearer ${config.adminToken}" ${baseUrl}/v1/connectors`,
    '',
    exitAfterSetup ? 'Stopping (--exit).' : 'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  const stop = async () => {
    await app.close();
    await hubspot.stop();
  };
  if (exitAfterSetup) {
    await stop();
    return;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().then(() => process.exit(0)));
  }
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const client = new Client({ connectionString: target.maintenanceUrl });
  try {
    await client.connect();
  } catch {
    return; // preflight reports the unreachable server with its own clear message
  }
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`demo: ${problem}`);
  } else {
    console.error(`demo: ${error instanceof StartupError ? error.message : String(error)}`);
  }
  process.exit(1);
});
