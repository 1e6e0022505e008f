import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { quoteIdentifier } from '../../src/database/ensure-database';
import { freePort } from '../support/free-port';
import { spawnTs } from '../support/spawn-service';
import { TEST_POSTGRES_SERVER, TEST_REDIS_URL } from '../support/test-environment';

describe('npm run demo', () => {
  it('starts Syncline with the HubSpot emulator, creates a working connection and prints where to look', async () => {
    const name = `syncline_t_${randomBytes(6).toString('hex')}`;
    const databaseUrl = new URL(TEST_POSTGRES_SERVER);
    databaseUrl.pathname = `/${name}`;
    const port = await freePort();
    const demo = spawnTs(
      'scripts/demo.ts',
      {
        DEMO_DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: name,
        PORT: String(port),
      },
      { args: ['--exit'] },
    );
    try {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        demo.exited,
        new Promise((resolve) => (timer = setTimeout(() => resolve('timed out'), 45_000))),
      ]);
      clearTimeout(timer);
      expect({ code, output: demo.output() }).toEqual({ code: 0, output: expect.any(String) });
      const output = demo.output();
      expect(output).toContain(`http://127.0.0.1:${port}/docs`);
      expect(output).toMatch(/Admin token\s+demo_\S+/);
      expect(output).toMatch(
        /Connection\s+http:\/\/127\.0\.0\.1:\d+\/v1\/connections\/[0-9a-f-]{36}/,
      );
      expect(output).toMatch(/Credential check\s+ok: /);
    } finally {
      await demo.stop('SIGKILL');
      const admin = new Client({ connectionString: TEST_POSTGRES_SERVER });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
