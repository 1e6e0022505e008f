import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { KeysetPosition } from './cursor';

/**
 * Orders a query by (created_at, id) and starts it after `after`: keyset pagination stays
 * fast and stable however deep the page, unlike OFFSET. Ask for `limit + 1` rows and let
 * `toPage` decide whether there is a next page.
 */
export function keysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  limit: number,
  after?: KeysetPosition,
): SelectQueryBuilder<T> {
  const alias = query.alias;
  query.orderBy(`${alias}.created_at`, 'ASC').addOrderBy(`${alias}.id`, 'ASC').limit(limit);
  if (after) {
    query.andWhere(`(${alias}.created_at, ${alias}.id) > (:keysetCreatedAt, :keysetId)`, {
      keysetCreatedAt: after.createdAt,
      keysetId: after.id,
    });
  }
  return query;
}
