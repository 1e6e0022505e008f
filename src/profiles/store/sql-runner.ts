import type { QueryRunner } from 'typeorm';

/** Rows affected by an INSERT/UPDATE/DELETE. */
export async function execute(
  runner: QueryRunner,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const result = await runner.query(sql, params, true);
  return result.affected ?? 0;
}

/** Many rows as one JSON parameter, unpacked by `json(b)_to_recordset` on the server. */
export function asJsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

/**
 * Runs one set-based statement over `rows`, passed as `$1` (a JSON array unpacked with
 * `json(b)_to_recordset`). No rows, no round trip. Returns the rows affected.
 */
export async function executeForRows(
  runner: QueryRunner,
  sql: string,
  rows: readonly object[],
): Promise<number> {
  return rows.length === 0 ? 0 : execute(runner, sql, [asJsonRows(rows)]);
}
