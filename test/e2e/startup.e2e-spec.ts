import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { quoteIdentifier } from '../../src/database/ensure-database';
import { spawnTs } from '../support/spawn-service';
import { TEST_POSTGRES_SERVER, TEST_REDIS_URL } from '../support/test-environment';

const validEnv = () => ({
  SECRETS_KEY: randomBytes(32).toString('base64'),
  ADMIN_TOKEN: randomBytes(16).toString('hex'),
  REDIS_URL: TEST_REDIS_URL,
  LOG_LEVEL: 'silent',
});

function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_SERVER });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('start-up', () => {
  it('refuses bad configuration with one line per variable naming it and what is expected', async () => {
    const { ADMIN_TOKEN: _missing, ...withoutAdminToken } = validEnv();
    const service = spawnTs('src/main.ts', {
      ...withoutAdminToken,
      SECRETS_KEY: 'c2hvcnQ=',
      PORT: 'eighty',
    });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^syncline: SECRETS_KEY is invalid: expected a base64-encoded 32-byte key/,
        ),
        expect.stringMatching(/^syncline: PORT is invalid: expected a port number/),
        expect.stringMatching(
          /^syncline: ADMIN_TOKEN is required: expected the bootstrap admin token/,
        ),
      ]),
    );
    expect(lines).toHaveLength(3);
  });

  it('says which PostgreSQL address failed and how to start it', async () => {
    const service = spawnTs('src/main.ts', {
      ...validEnv(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/syncline',
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(service.output()).toContain('pg_ctlcluster');
  });

  it('says which Redis address failed and how to start it', async () => {
    const service = spawnTs('src/main.ts', {
      ...validEnv(),
      DATABASE_URL: databaseUrl('postgres'),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Cannot reach Redis at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(service.output()).toContain('redis-server');
  });

  it('creates a missing database and applies every migration exactly once when two processes start together', async () => {
    const name = `syncline_t_${randomBytes(6).toString('hex')}`;
    const env = { DATABASE_URL: databaseUrl(name) };
    try {
      const [first, second] = [
        spawnTs('src/database/migrate.cli.ts', env),
        spawnTs('src/database/migrate.cli.ts', env),
      ];
      const codes = [await first.exited, await second.exited];
      expect({ codes, output: first.output() + second.output() }).toEqual({
        codes: [0, 0],
        output: expect.any(String),
      });

      const migrationFiles = readdirSync(join(__dirname, '../../src/database/migrations')).filter(
        (f) => /^\d+-.*\.ts$/.test(f),
      );
      const applied = await withServer(async () => {
        const client = new Client({ connectionString: env.DATABASE_URL });
        await client.connect();
        try {
          return (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id'))
            .rows;
        } finally {
          await client.end();
        }
      });
      expect(applied).toHaveLength(migrationFiles.length);
      expect(new Set(applied.map((row) => row.name)).size).toBe(migrationFiles.length);
      // One process applied them all; the other waited for the lock and found nothing to do.
      const outputs = [first.output(), second.output()].sort();
      expect(outputs[0]).toMatch(/^Applied \d+ migration/);
      expect(outputs[1]).toMatch(/^Database is up to date\./);
    } finally {
      await withServer((client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
    }
  });
});
