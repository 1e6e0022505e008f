import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { KeysetPosition, Positioned } from './cursor';

/**
 * A timestamp column as the text a cursor carries: UTC, ISO 8601, every microsecond PostgreSQL
 * keeps, whatever the session's DateStyle or TimeZone. `'…'::timestamptz` reads it back exactly.
 */
export function keysetTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The column name under which list queries select `keysetTimestampSql`. */
export const KEYSET_AT = 'keyset_at';

/** A row of a list query that selected `keysetTimestampSql(…) AS keyset_at`. */
export type KeysetRow = { id: string } & { [KEYSET_AT]: string };

/** Pairs each row of a hand-written list query with the position a next page starts after. */
export function withPositions<Row extends KeysetRow, T>(
  rows: Row[],
  toItem: (row: Row) => T,
): Positioned<T>[] {
  return rows.map((row) => ({ item: toItem(row), position: { at: row[KEYSET_AT], id: row.id } }));
}

/**
 * Orders a query by (created_at, id), starts it after `after` and runs it: keyset pagination
 * stays fast and stable however deep the page, unlike OFFSET. Ask for `limit + 1` rows and let
 * `toPage` decide whether there is a next page. Meant for single-table queries (no joins).
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  limit: number,
  after?: KeysetPosition,
): Promise<Positioned<T>[]> {
  const alias = query.alias;
  query
    .addSelect(keysetTimestampSql(`${alias}.created_at`), KEYSET_AT)
    .orderBy(`${alias}.created_at`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .limit(limit);
  if (after) {
    query.andWhere(
      `(${alias}.created_at, ${alias}.id) > (CAST(:keysetAt AS timestamptz), CAST(:keysetId AS uuid))`,
      { keysetAt: after.at, keysetId: after.id },
    );
  }
  const { entities, raw } = await query.getRawAndEntities<Record<string, string>>();
  const atById = new Map(raw.map((row) => [row[`${alias}_id`], row[KEYSET_AT]]));
  return entities.map((item) => ({ item, position: { at: atById.get(item.id)!, id: item.id } }));
}
