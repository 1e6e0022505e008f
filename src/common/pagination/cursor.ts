import { InvalidInputError } from '../errors/domain-error';

/** Position after the last item of a page, for keyset pagination on (createdAt, id). */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(
    JSON.stringify({ t: position.createdAt.toISOString(), i: position.id }),
    'utf8',
  ).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    };
    const createdAt = new Date(String(parsed.t));
    if (typeof parsed.i !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error();
    return { createdAt, id: parsed.i };
  } catch {
    throw new InvalidInputError([
      { field: 'cursor', message: 'is not a cursor returned by this API' },
    ]);
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from `limit + 1` rows: the extra row only proves there is a next page.
 */
export function toPage<Row extends KeysetPosition, T>(
  rows: Row[],
  limit: number,
  present: (row: Row) => T,
): Page<T> {
  const visible = rows.slice(0, limit);
  const last = visible[visible.length - 1];
  return {
    data: visible.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
