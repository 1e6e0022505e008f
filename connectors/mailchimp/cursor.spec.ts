import {
  mailchimpTime,
  nextCursor,
  pageQuery,
  parseMailchimpCursor,
  shrunkWindow,
  startRead,
  type MailchimpCursor,
} from './cursor';

const T = Date.parse('2025-01-24T15:30:00Z');
const window = (offset: number, total: number | null): MailchimpCursor => ({
  phase: 'window',
  from: '2025-01-20T00:00:00.000Z',
  to: new Date(T).toISOString(),
  offset,
  total,
});

describe('Mailchimp read cursor', () => {
  it('writes times as Mailchimp documents them, floored to the second', () => {
    expect(mailchimpTime(T + 999)).toBe('2025-01-24T15:30:00+00:00');
  });

  it('starts with a window oldest-first, bounded by the read start', () => {
    expect(pageQuery(startRead(null, T + 500))).toEqual({
      since_last_changed: undefined,
      before_last_changed: '2025-01-24T15:30:00+00:00',
      sort_dir: 'ASC',
      offset: 0,
    });
    // Bounds a second or less apart hold nothing: straight to the tail.
    expect(startRead(T - 1000, T)).toEqual({
      phase: 'tail',
      from: new Date(T - 1000).toISOString(),
      to: null,
      offset: 0,
      total: null,
    });
  });

  it('pages the window, then reads the tail from the window end newest-first, then is done', () => {
    let cursor = nextCursor(window(0, null), 1000, 1500);
    expect(cursor).toEqual(window(1000, 1500));
    cursor = nextCursor(cursor, 500, 1500);
    // "After to − 1 s" is "at or after to": nothing falls between window and tail.
    expect(cursor).toEqual({
      phase: 'tail',
      from: new Date(T - 1000).toISOString(),
      to: null,
      offset: 0,
      total: null,
    });
    expect(pageQuery(cursor)).toMatchObject({
      since_last_changed: '2025-01-24T15:29:59+00:00',
      before_last_changed: undefined,
      sort_dir: 'DESC',
    });
    expect(nextCursor(cursor, 10, 25)).toMatchObject({ phase: 'tail', offset: 10 });
    expect(nextCursor({ ...cursor, offset: 10 }, 15, 25)).toEqual({
      phase: 'done',
      from: new Date(T - 1000).toISOString(),
      to: null,
      offset: 0,
      total: null,
    });
  });

  it('steps back as many places as the window lost members, never below 0', () => {
    expect(shrunkWindow(window(1000, 1500), 1500)).toBeUndefined();
    expect(shrunkWindow(window(1000, 1500), 1497)).toEqual(window(997, 1497));
    expect(shrunkWindow(window(2, 1500), 1000)).toEqual(window(0, 1000));
    // The first page, and the tail, have nothing to step back over.
    expect(shrunkWindow(window(0, 1500), 1000)).toBeUndefined();
    expect(shrunkWindow(window(1000, null), 10)).toBeUndefined();
  });

  it('round-trips through JSON and refuses a foreign cursor', () => {
    const cursor = window(100, 250);
    expect(parseMailchimpCursor(JSON.parse(JSON.stringify(cursor)))).toEqual(cursor);
    expect(parseMailchimpCursor(null)).toBeNull();
    expect(() => parseMailchimpCursor({ phase: 'search', since: 1 })).toThrow(/full sync/);
    expect(() => parseMailchimpCursor({ ...cursor, to: null })).toThrow();
  });
});
