import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, QueryRunner } from 'typeorm';
import { IdentityRaceError } from './profile-batch.repository';

/** deadlock_detected, serialization_failure, lock_not_available, unique_violation. */
const RETRYABLE_PG_CODES = new Set(['40P01', '40001', '55P03', '23505']);
const MAX_ATTEMPTS = 10;

export function isRetryable(error: unknown): boolean {
  if (error instanceof IdentityRaceError) return true;
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ??
    (error as { code?: unknown }).code;
  return typeof code === 'string' && RETRYABLE_PG_CODES.has(code);
}

/**
 * Runs `work` in one READ COMMITTED transaction, retrying the whole transaction (with jittered
 * backoff) when it lost a race to a concurrent one: a deadlock, or a key claimed first.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await sleep(Math.random() * 10 * attempt);
    } finally {
      await runner.release();
    }
  }
}
