/**
 * Clean-up of the throwaway PostgreSQL databases and Redis key prefixes that tests, the demo
 * test and benchmarks create, so each run leaves the shared servers as it found them.
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { quoteIdentifier } from '../../src/database/ensure-database';
import { parsePostgresUrl } from '../../src/database/postgres-url';

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const admin = new Client({ connectionString: target.maintenanceUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
