import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Rows of a statement run on a query runner. TypeORM's plain `query` returns
 * `[rows, affected]` for `UPDATE/DELETE … RETURNING`; the structured result is uniform.
 */
export async function queryRows<T>(
  runner: QueryRunner,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as T[];
}

/** `queryRows` on a pooled connection of its own, for statements outside a transaction. */
export async function queryRowsOn<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = db.createQueryRunner();
  try {
    return await queryRows<T>(runner, sql, params);
  } finally {
    await runner.release();
  }
}
