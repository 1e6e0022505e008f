import { InvalidInputError } from '../errors/domain-error';
import { isUuid } from '../ids/is-uuid';

/**
 * Position after the last item of a page, for keyset pagination on (timestamp, id).
 *
 * `at` is the row's timestamp as PostgreSQL keeps it, to the microsecond (see
 * `keysetTimestampSql`), never a JS Date: a Date keeps milliseconds only, and rows created
 * within the same millisecond as a page's last row would then be listed again (oldest-first
 * lists) or skipped (newest-first lists).
 */
export interface KeysetPosition {
  /** ISO 8601 in UTC with up to six fractional digits, e.g. `2026-01-01T10:00:00.123456Z`. */
  at: string;
  id: string;
}

/** A listed row with the position a next page starts after. */
export interface Positioned<T> {
  item: T;
  position: KeysetPosition;
}

/** What a list's ids look like; a cursor naming anything else was not made by this API. */
export type CursorIdCheck = (id: string) => boolean;

/**
 * The form `keysetTimestampSql` writes, which `::timestamptz` reads back exactly. The year is
 * at least 1000: PostgreSQL refuses year 0, which a JS Date accepts.
 */
const KEYSET_TIMESTAMP = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ t: position.at, i: position.id }), 'utf8').toString(
    'base64url',
  );
}

/**
 * Reads a `nextCursor`. Both parts end up in SQL comparisons (`::timestamptz` and the list's id
 * column), so anything PostgreSQL could refuse is a 400 naming `cursor` here, not a 500 there.
 * @param isListId what the list's ids look like (UUIDs unless told otherwise).
 */
export function decodeCursor(
  cursor: string | undefined,
  isListId: CursorIdCheck = isUuid,
): KeysetPosition | undefined {
  if (!cursor) return undefined;
  const position = parseCursor(cursor);
  if (!position || !isKeysetTimestamp(position.at) || !isListId(position.id)) {
    throw new InvalidInputError([
      { field: 'cursor', message: 'is not a cursor returned by this API' },
    ]);
  }
  return position;
}

function parseCursor(cursor: string): KeysetPosition | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    } | null;
    if (typeof parsed?.t !== 'string' || typeof parsed.i !== 'string') return undefined;
    return { at: parsed.t, id: parsed.i };
  } catch {
    return undefined;
  }
}

/** Well-formed and a real calendar time (no 31 February, no hour 25). */
function isKeysetTimestamp(at: string): boolean {
  if (!KEYSET_TIMESTAMP.test(at)) return false;
  const date = new Date(at);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === at.slice(0, 19);
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from `limit + 1` rows: the extra row only proves there is a next page.
 */
export function toPage<Item, T>(
  rows: Positioned<Item>[],
  limit: number,
  present: (item: Item) => T,
): Page<T> {
  const visible = rows.slice(0, limit);
  const last = visible[visible.length - 1];
  return {
    data: visible.map((row) => present(row.item)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.position) : null,
  };
}
