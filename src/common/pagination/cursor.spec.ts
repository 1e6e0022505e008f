import { InvalidInputError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, toPage } from './cursor';

const ID = '6f1c3c59-0d7a-4b43-9f3e-2a1f4b8c9d10';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips a position to the microsecond', () => {
    const position = { at: '2026-01-01T10:00:00.123456Z', id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['an id that is not a UUID', encode({ t: '2026-01-01T00:00:00Z', i: 'x' })],
    ['an impossible date', encode({ t: '2026-02-31T00:00:00Z', i: ID })],
    ['a time PostgreSQL would not read', encode({ t: '1', i: ID })],
    ['year 0', encode({ t: '0000-01-01T00:00:00Z', i: ID })],
    ['more than microseconds', encode({ t: '2026-01-01T00:00:00.1234567Z', i: ID })],
    ['JSON null', encode(null)],
    ['no JSON at all', '%%%'],
  ])('refuses %s as a 400 naming `cursor`', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidInputError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as InvalidInputError).problems).toEqual([
        { field: 'cursor', message: 'is not a cursor returned by this API' },
      ]);
    }
  });

  it("checks the id against the list's own id form", () => {
    const cursor = encode({ t: '2026-01-01T00:00:00Z', i: '42' });
    expect(() => decodeCursor(cursor)).toThrow(InvalidInputError);
    expect(decodeCursor(cursor, (id) => /^\d+$/.test(id))?.id).toBe('42');
  });

  it('points the next page after the last visible row, and only when there is one', () => {
    const rows = ['a', 'b', 'c'].map((item, index) => ({
      item,
      position: { at: `2026-01-01T00:00:00.00000${index}Z`, id: ID },
    }));
    const page = toPage(rows, 2, (item) => item.toUpperCase());
    expect(page.data).toEqual(['A', 'B']);
    expect(decodeCursor(page.nextCursor!)).toEqual(rows[1].position);
    expect(toPage(rows, 3, (item) => item).nextCursor).toBeNull();
  });
});
