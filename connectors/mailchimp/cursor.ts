/**
 * The Mailchimp read cursor: JSON, and valid after any page, so a killed worker resumes
 * exactly where its last checkpoint stopped.
 *
 * Mailchimp pages members by offset, and an offset is only as good as the order it counts
 * in: a member that changes moves, the members behind it shift one place, and the one at
 * the next page boundary is skipped. A read therefore has two phases:
 *
 * - `window`: members changed after `from` and before `to` (the read's start minus a
 *   clock-skew margin), oldest change first. A member that changes during the read leaves
 *   the window (its new `last_changed` is after `to`) and none can enter it, so the window
 *   only shrinks, and `total_items` says by how much: the read steps back that many places
 *   and re-reads them (repeats are harmless) instead of skipping.
 * - `tail`: members changed since `to`, newest first. Here a member that changes moves to
 *   the front, so the others shift towards pages still to come: repeats, never gaps. What
 *   changed during the tail read is in the next read's window anyway.
 *
 * Then `done`: the next read starts its window at `from` (minus the runtime's look-back).
 * Bounds are Mailchimp's exclusive "after" / "before", to the second.
 */
import type { SyncCursor } from '../../src/connector-sdk';

export type MailchimpReadPhase = 'window' | 'tail' | 'done';

export type MailchimpCursor = {
  phase: MailchimpReadPhase;
  /** `since_last_changed` (exclusive, ISO); null reads from the first member. */
  from: string | null;
  /** `before_last_changed` (exclusive, ISO) of the window; null in `tail` and `done`. */
  to: string | null;
  offset: number;
  /** The window's `total_items` at the last page, to notice members leaving it. */
  total: number | null;
};

const PHASES: readonly unknown[] = ['window', 'tail', 'done'];

export function parseMailchimpCursor(cursor: SyncCursor | null): MailchimpCursor | null {
  if (!cursor) return null;
  const { phase, from, to, offset, total } = cursor;
  if (
    PHASES.includes(phase) &&
    isTime(from) &&
    isTime(to) &&
    (phase !== 'window' || to !== null) &&
    typeof offset === 'number' &&
    Number.isInteger(offset) &&
    offset >= 0 &&
    (total === null || (typeof total === 'number' && Number.isInteger(total)))
  ) {
    return { phase: phase as MailchimpReadPhase, from, to, offset, total };
  }
  throw new Error(
    `Unrecognised Mailchimp cursor ${JSON.stringify(cursor)}; run a full sync to reset it`,
  );
}

/** A read of the members changed after `from` (ms; null: all), its window ending at `to`. */
export function startRead(from: number | null, to: number): MailchimpCursor {
  const window: MailchimpCursor = {
    phase: 'window',
    from: from === null ? null : iso(from),
    to: iso(to),
    offset: 0,
    total: null,
  };
  // Nothing fits between the bounds (reads closer together than a second): straight to the tail.
  return from !== null && to - from <= 1_000 ? tailAfter(from) : window;
}

/** The query of the next page. */
export function pageQuery(cursor: MailchimpCursor): {
  since_last_changed?: string;
  before_last_changed?: string;
  sort_dir: 'ASC' | 'DESC';
  offset: number;
} {
  return {
    since_last_changed: cursor.from === null ? undefined : mailchimpTime(Date.parse(cursor.from)),
    before_last_changed: cursor.to === null ? undefined : mailchimpTime(Date.parse(cursor.to)),
    sort_dir: cursor.phase === 'tail' ? 'DESC' : 'ASC',
    offset: cursor.offset,
  };
}

/**
 * When the window lost members since the last page, where to read again instead: the
 * page just fetched may have started past members that shifted back. Undefined when the
 * page can be used.
 */
export function shrunkWindow(
  cursor: MailchimpCursor,
  totalItems: number,
): MailchimpCursor | undefined {
  // At offset 0 nothing was skipped: the page is good whatever the window lost.
  if (
    cursor.phase !== 'window' ||
    cursor.offset === 0 ||
    cursor.total === null ||
    totalItems >= cursor.total
  ) {
    return undefined;
  }
  const lost = cursor.total - totalItems;
  return { ...cursor, offset: Math.max(0, cursor.offset - lost), total: totalItems };
}

/** The cursor after a usable page of `count` members out of `totalItems`. */
export function nextCursor(
  cursor: MailchimpCursor,
  count: number,
  totalItems: number,
): MailchimpCursor {
  const offset = cursor.offset + count;
  const more = count > 0 && offset < totalItems;
  if (cursor.phase === 'window') {
    if (more) return { ...cursor, offset, total: totalItems };
    // The tail starts at the window's end: "after to − 1 s" is "at or after to".
    return tailAfter(Date.parse(cursor.to!) - 1_000);
  }
  if (more) return { ...cursor, offset };
  return { phase: 'done', from: cursor.from, to: null, offset: 0, total: null };
}

function tailAfter(from: number): MailchimpCursor {
  return { phase: 'tail', from: iso(from), to: null, offset: 0, total: null };
}

/** Mailchimp's documented form, `2015-10-21T15:41:36+00:00`, floored to the second. */
export function mailchimpTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}+00:00`;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function isTime(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
}
