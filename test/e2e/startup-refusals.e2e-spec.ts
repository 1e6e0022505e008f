import { createServer, Server, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadMigrations } from '../../src/database/migrations';
import { freePort } from '../support/free-port';
import { spawnTs, waitUntilReady } from '../support/spawn-service';
import {
  createTestEnvironment,
  TEST_POSTGRES_SERVER,
  TEST_REDIS_URL,
  TestEnvironment,
} from '../support/test-environment';
import { deleteRedisKeys } from '../support/throwaway-resources';

/** The names TypeORM records for this build's migrations, oldest first. */
const migrationNames = () =>
  loadMigrations().map((Migration) => new Migration().name ?? Migration.name);

/**
 * A stand-in Redis that answers every command with `reply`, as a server that wants a password
 * answers a client without one: what an operator meets with a wrong or missing REDIS_URL password.
 */
async function startRefusingRedis(reply: string): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // One RESP array per command: `*<n>\r\n` then n bulk strings `$<len>\r\n<bytes>\r\n`.
      for (;;) {
        const command = /^\*(\d+)\r\n/.exec(buffered);
        if (!command) return;
        let at = command[0].length;
        for (let i = 0; i < Number(command[1]); i++) {
          const bulk = /^\$(\d+)\r\n/.exec(buffered.slice(at));
          if (!bulk) return;
          at += bulk[0].length + Number(bulk[1]) + 2;
        }
        if (buffered.length < at) return;
        buffered = buffered.slice(at);
        socket.write(`-${reply}\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const baseEnv = () => ({
  SECRETS_KEY: randomBytes(32).toString('base64'),
  ADMIN_TOKEN: randomBytes(16).toString('hex'),
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
});

describe('start-up against a database whose migrations are a separate step (RUN_MIGRATIONS=false)', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('refuses to start before `npm run migrate`, in one line naming what is missing and what to run', async () => {
    const service = spawnTs('src/main.ts', {
      ...env.env,
      LOG_LEVEL: 'info',
      RUN_MIGRATIONS: 'false',
    });
    expect(await service.exited).toBe(1);
    const output = service.output().trim();
    const names = migrationNames();
    expect(output).toBe(
      `syncline: database "${env.name}" at ${new URL(env.databaseUrl).host} lacks ` +
        `${names.length} migration(s) this version needs (${names.join(', ')}). ` +
        'Run `npm run migrate` first, or start with RUN_MIGRATIONS=true.',
    );
  });

  it('names only the migration still missing, and starts once it is applied', async () => {
    const { runMigrations } = await import('../../src/database/migrations');
    await runMigrations(env.databaseUrl);
    const names = migrationNames();
    const latest = names[names.length - 1];
    // As if this build brought one migration the deployment step has not applied yet.
    await env.sql('DELETE FROM migrations WHERE name = $1', [latest]);

    const behind = spawnTs('src/main.ts', { ...env.env, RUN_MIGRATIONS: 'false' });
    expect(await behind.exited).toBe(1);
    expect(behind.output()).toContain(`lacks 1 migration(s) this version needs (${latest})`);

    await env.sql('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [
      Number(/(\d+)$/.exec(latest)![1]),
      latest,
    ]);
    const port = await freePort();
    const current = spawnTs('src/main.ts', {
      ...env.env,
      RUN_MIGRATIONS: 'false',
      SYNCLINE_ROLE: 'api',
      PORT: String(port),
    });
    try {
      await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, current);
    } finally {
      await current.stop();
    }
  });
});

describe('start-up with credentials the stores refuse', () => {
  it('says PostgreSQL refused the user, not that it cannot be reached', async () => {
    const url = new URL(TEST_POSTGRES_SERVER);
    url.username = 'syncline_qa_no_such_role';
    url.password = 'not-the-password';
    const service = spawnTs('src/main.ts', {
      ...baseEnv(),
      DATABASE_URL: url.toString(),
      REDIS_URL: TEST_REDIS_URL,
    });
    expect(await service.exited).toBe(1);
    const output = service.output().trim();
    expect(output).toMatch(
      new RegExp(
        `^syncline: PostgreSQL at ${url.hostname}:${url.port || 5432} refused the connection: ` +
          '.*"syncline_qa_no_such_role".* \\(28[0-9A-Z]{3}\\)\\. Check the user and password in DATABASE_URL\\.$',
      ),
    );
    expect(output).not.toContain('not-the-password');
    expect(output).not.toContain('Cannot reach');
  });

  it.each([
    ['missing', 'NOAUTH Authentication required.', ''],
    ['wrong', 'WRONGPASS invalid username-password pair or user is disabled.', ':a-wrong-secret@'],
  ])('says Redis refused a %s password, not that it cannot be reached', async (_, reply, auth) => {
    const redis = await startRefusingRedis(reply);
    try {
      const service = spawnTs('src/main.ts', {
        ...baseEnv(),
        DATABASE_URL: `${TEST_POSTGRES_SERVER.replace(/\/[^/]*$/, '')}/postgres`,
        REDIS_URL: `redis://${auth}127.0.0.1:${redis.port}`,
      });
      expect(await service.exited).toBe(1);
      const output = service.output().trim();
      expect(output).toBe(
        `syncline: Redis at 127.0.0.1:${redis.port} refused the connection: ${reply} ` +
          'Check the password (and user name) in REDIS_URL.',
      );
      expect(output).not.toContain('a-wrong-secret');
    } finally {
      redis.close();
    }
  });

  it('refuses a Redis database number the server does not have instead of using database 0', async () => {
    const prefix = `syncline_t_${randomBytes(6).toString('hex')}`;
    const env = await createTestEnvironment();
    const redis = new URL(TEST_REDIS_URL);
    redis.pathname = '/999';
    const service = spawnTs('src/main.ts', {
      ...env.env,
      QUEUE_PREFIX: prefix,
      REDIS_URL: redis.toString(),
    });
    try {
      const code = await Promise.race([
        service.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      expect({ code, output: service.output().trim() }).toEqual({
        code: 1,
        output:
          `syncline: Redis at ${redis.hostname}:${redis.port || 6379} refused the connection: ` +
          'ERR DB index is out of range. Check the database number in REDIS_URL.',
      });
    } finally {
      await service.stop('SIGKILL');
      await deleteRedisKeys(TEST_REDIS_URL, prefix);
      await env.teardown();
    }
  });
});
