import { KeysetPosition } from '../../common/pagination/cursor';
import { KEYSET_AT, keysetTimestampSql } from '../../common/pagination/keyset-query';

export interface ProfileSearch {
  /** Normalized email identifier. */
  email?: string;
  /** E.164 phone identifier. */
  phone?: string;
  source?: { connectionId: string; externalId: string };
  /** `q`: prefix words, see PREFIX_SEARCH_COLUMNS. */
  text?: string;
  limit: number;
  after?: KeysetPosition;
}

/**
 * What `q` matches: each word (at most MAX_SEARCH_WORDS, lower-cased) must be a prefix of the
 * first name, last name or email. The expressions are exactly those of the btree indexes of
 * migration 1732320000000, so the planner can serve a rare prefix by OR-ing three index range
 * scans and a common one by walking the creation-order index until the page is full.
 */
const PREFIX_SEARCH_COLUMNS = ['firstName', 'lastName', 'email'].map(
  (trait) => `(lower(p.traits->>'${trait}') COLLATE "C")`,
);
const MAX_SEARCH_WORDS = 4;

function searchWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
}

/**
 * `GET /v1/profiles` as one statement: live (not merged) profiles matching every filter given,
 * keyset-ordered by (created_at, id), `limit + 1` rows (the extra one only proves a next page).
 * Each identifier filter is a scalar subquery on a unique key, so an unknown identifier (NULL)
 * or identifiers of two different people match nothing.
 */
export function profileSearchSql(search: ProfileSearch): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`p.status <> 'merged'`];
  if (search.email !== undefined) {
    where.push(
      `p.id = (SELECT i.profile_id FROM profile_identifier i WHERE i.type = 'email' AND i.value = ${param(search.email)})`,
    );
  }
  if (search.phone !== undefined) {
    where.push(
      `p.id = (SELECT i.profile_id FROM profile_identifier i WHERE i.type = 'phone' AND i.value = ${param(search.phone)})`,
    );
  }
  if (search.source !== undefined) {
    where.push(
      `p.id = (SELECT s.profile_id FROM source_record s
                WHERE s.connection_id = ${param(search.source.connectionId)}::uuid
                  AND s.external_id = ${param(search.source.externalId)})`,
    );
  }
  for (const word of searchWords(search.text ?? '')) {
    const prefix = param(`${escapeLike(word)}%`);
    where.push(
      `(${PREFIX_SEARCH_COLUMNS.map((column) => `${column} LIKE ${prefix}`).join(' OR ')})`,
    );
  }
  if (search.after) {
    where.push(
      `(p.created_at, p.id) > (${param(search.after.at)}::timestamptz, ${param(search.after.id)}::uuid)`,
    );
  }
  return {
    sql: `SELECT p.id, p.status, p.traits, p.created_at AS "createdAt", p.updated_at AS "updatedAt",
                 ${keysetTimestampSql('p.created_at')} AS ${KEYSET_AT}
            FROM profile p
           WHERE ${where.join('\n             AND ')}
           ORDER BY p.created_at, p.id
           LIMIT ${param(search.limit + 1)}`,
    params,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
