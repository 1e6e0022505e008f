import type { ConnectorContext, ReadPage, ReadRequest } from '../../src/connector-sdk';
import {
  nextCursor,
  pageQuery,
  parseMailchimpCursor,
  shrunkWindow,
  startRead,
  type MailchimpCursor,
} from './cursor';
import { MEMBERS_FIELDS_PARAM, membersPath } from './paths';
import type {
  MailchimpConfig,
  MailchimpCredentials,
  MailchimpMember,
  MailchimpMembersPage,
} from './types';

/**
 * A read's window ends this long before it starts, by our clock. Members that change while
 * the window is read must get a `last_changed` after its end by Mailchimp's clock, or the
 * change cannot be noticed; this covers the two clocks disagreeing by up to that much.
 */
export const CLOCK_SKEW_MARGIN_MS = 5 * 60 * 1000;

/**
 * `full` reads every member (archived ones too: they map as deleted), resuming a read in
 * progress; `incremental` reads members changed since the last read's window ended,
 * `lookBackMs` earlier, or everything on a first run. See cursor.ts for why a read is a
 * window and a tail.
 */
export function readMembers(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  request: ReadRequest,
  pageSize: number,
  now: () => number = Date.now,
): AsyncIterable<ReadPage<MailchimpMember>> {
  return readPages(ctx, startCursor(request, now() - CLOCK_SKEW_MARGIN_MS), pageSize);
}

function startCursor(request: ReadRequest, windowEnd: number): MailchimpCursor {
  const cursor = parseMailchimpCursor(request.cursor);
  if (!cursor) return startRead(null, windowEnd);
  // A read in progress resumes where it stopped (the runtime hands a `full` run a cursor
  // only to resume that run).
  if (cursor.phase !== 'done') return cursor;
  const from = cursor.from === null ? null : Date.parse(cursor.from);
  const lookBack = request.mode === 'incremental' ? (request.lookBackMs ?? 0) : 0;
  return startRead(from === null ? null : from - lookBack, windowEnd);
}

async function* readPages(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  start: MailchimpCursor,
  pageSize: number,
): AsyncIterable<ReadPage<MailchimpMember>> {
  let cursor = start;
  while (cursor.phase !== 'done') {
    const { since_last_changed, before_last_changed, sort_dir, offset } = pageQuery(cursor);
    const { data } = await ctx.http.request<MailchimpMembersPage>({
      path: membersPath(ctx.config.listId),
      query: {
        count: pageSize,
        offset,
        since_last_changed,
        before_last_changed,
        sort_field: 'last_changed',
        sort_dir,
        fields: MEMBERS_FIELDS_PARAM,
      },
    });
    const total = data.total_items ?? 0;
    const retry = shrunkWindow(cursor, total);
    if (retry) {
      cursor = retry;
      continue;
    }
    const records = data.members ?? [];
    cursor = nextCursor(cursor, records.length, total);
    yield { records, cursor };
  }
}
