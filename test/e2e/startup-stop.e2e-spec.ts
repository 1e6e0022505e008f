import { Client } from 'pg';
import { MIGRATION_LOCK_KEY } from '../../src/database/migrations';
import { freePort } from '../support/free-port';
import { spawnTs, waitUntilReady } from '../support/spawn-service';
import { startTcpProxy } from '../support/tcp-proxy';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

/** A process told to stop while it is still starting stops, instead of starting anyway. */
describe('a stop signal during start-up', () => {
  let env: TestEnvironment;
  let lockHolder: Client;

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
    lockHolder = new Client({ connectionString: env.databaseUrl });
    await lockHolder.connect();
  });
  afterAll(async () => {
    await lockHolder?.end();
    await env?.teardown();
  });

  const waitingForMigrationLock = async () =>
    (
      await env.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
      )
    )[0].n > 0;

  it('exits at once while waiting for another replica to finish migrating, having done nothing', async () => {
    // Another replica is migrating: this one waits for the lock.
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const service = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'worker' });
    try {
      const deadline = Date.now() + 30_000;
      while (!(await waitingForMigrationLock())) {
        if (service.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`never waited for the migration lock:\n${service.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const stoppedAt = Date.now();
      service.child.kill('SIGTERM');
      const code = await service.exited;
      expect({ code, output: service.output() }).toEqual({
        code: 0,
        output: expect.stringContaining('SIGTERM before start-up finished'),
      });
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    } finally {
      await service.stop('SIGKILL');
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
    // It did not go on to migrate once the lock was free.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [{ migrated }] = await env.sql<{ migrated: string | null }>(
      `SELECT to_regclass('migrations')::text AS migrated`,
    );
    expect(migrated).toBeNull();
  });
});

/**
 * A stop that cannot finish (Redis hung: the queues' connections wait for answers that never
 * come) ends the process once SHUTDOWN_GRACE_MS is up, whichever signal asked for it.
 */
describe('a stop that hangs', () => {
  const GRACE_MS = 1500;
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits with an error after the grace period on %s',
    async (signal) => {
      const redis = new URL(env.redisUrl);
      const redisProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
      const port = await freePort();
      const service = spawnTs('src/main.ts', {
        ...env.env,
        PORT: String(port),
        REDIS_URL: redisProxy.url('redis'),
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
      });
      try {
        await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, service);
        redisProxy.freeze();
        const stoppedAt = Date.now();
        service.child.kill(signal);
        const code = await service.exited;
        const took = Date.now() - stoppedAt;
        expect({ code, output: service.output() }).toEqual({
          code: 1,
          output: expect.stringContaining(`shutdown took longer than ${GRACE_MS} ms, exiting`),
        });
        expect(took).toBeGreaterThanOrEqual(GRACE_MS);
        expect(took).toBeLessThan(GRACE_MS + 5_000);
      } finally {
        await service.stop('SIGKILL');
        await redisProxy.cut();
      }
    },
  );
});
