import type { ConnectorContext, ReadPage, ReadRequest } from '../../src/connector-sdk';
import { parseZendeskCursor, type ZendeskCursor } from './cursor';
import { INCREMENTAL_USERS_PATH } from './paths';
import { scopeUser } from './scope';
import type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskIncrementalUsersResponse,
  ZendeskRecord,
  ZendeskUser,
} from './types';

/** Zendesk refuses a `start_time` less than a minute old; a little more absorbs clock skew. */
const MIN_START_AGE_SECONDS = 90;

export interface ReadOptions {
  /** `per_page`; Zendesk's maximum (and default) is 1000. */
  pageSize: number;
}

/**
 * Reads users through the cursor-based incremental export. A full read is the same stream
 * from `start_time=0`. A read in progress (not caught up) resumes through its `after_cursor`
 * whatever the mode, except that `full` never resumes a stream that did not start at 0.
 *
 * A caught-up incremental read continues from its `after_cursor` (Zendesk's own
 * recommendation), or, when asked to look back, restarts the stream from `start_time` = the
 * newest `updated_at` delivered minus the look-back: Zendesk's cursor cannot be rewound.
 *
 * Users the connection leaves out (staff, see scope.ts) come as left-out records, not skipped:
 * an end-user promoted to agent must lose what Syncline holds of them, and a full read must
 * not take someone it returned for deleted.
 */
export function readUsers(
  ctx: ConnectorContext<ZendeskConfig, ZendeskCredentials>,
  request: ReadRequest,
  options: ReadOptions,
): AsyncIterable<ReadPage<ZendeskRecord>> {
  const cursor = parseZendeskCursor(request.cursor);
  const fullRead: ZendeskCursor = {
    after: null,
    caughtUp: false,
    startTime: 0,
    newestUpdatedAt: null,
  };

  if (request.mode === 'full') {
    const resumable = cursor && !cursor.caughtUp && cursor.startTime === 0;
    return readStream(ctx, resumable ? cursor : fullRead, options);
  }
  if (!cursor) return readStream(ctx, fullRead, options);
  if (!cursor.caughtUp) return readStream(ctx, cursor, options);

  const lookBackMs = request.lookBackMs ?? 0;
  if (lookBackMs <= 0 && cursor.after) return readStream(ctx, cursor, options);
  const anchorMs = cursor.newestUpdatedAt ?? cursor.startTime * 1000;
  return readStream(
    ctx,
    { ...cursor, after: null, caughtUp: false, startTime: startTimeFor(anchorMs - lookBackMs) },
    options,
  );
}

async function* readStream(
  ctx: ConnectorContext<ZendeskConfig, ZendeskCredentials>,
  start: ZendeskCursor,
  options: ReadOptions,
): AsyncIterable<ReadPage<ZendeskRecord>> {
  let cursor = start;
  for (;;) {
    const { data } = await ctx.http.request<ZendeskIncrementalUsersResponse>({
      path: INCREMENTAL_USERS_PATH,
      query: cursor.after
        ? { cursor: cursor.after, per_page: options.pageSize }
        : { start_time: cursor.startTime, per_page: options.pageSize },
    });
    const users = data.users ?? [];
    const after = data.after_cursor ?? cursor.after;
    // A page that ends nowhere new would loop forever: treat it as the end of the stream.
    const stalled = !data.end_of_stream && (after === null || after === cursor.after);
    if (stalled) {
      ctx.logger.warn('Zendesk export page did not advance its cursor; stopping this read', {
        after,
      });
    }
    cursor = {
      after,
      caughtUp: data.end_of_stream || stalled,
      startTime: cursor.startTime,
      newestUpdatedAt: newest(users, cursor.newestUpdatedAt),
    };
    yield { records: users.map((user) => scopeUser(user, ctx.config)), cursor };
    if (cursor.caughtUp) return;
  }
}

function newest(users: ZendeskUser[], previous: number | null): number | null {
  let max = previous;
  for (const user of users) {
    const ms = user.updated_at ? Date.parse(user.updated_at) : NaN;
    if (!Number.isNaN(ms) && (max === null || ms > max)) max = ms;
  }
  return max;
}

function startTimeFor(ms: number): number {
  const latest = Math.floor(Date.now() / 1000) - MIN_START_AGE_SECONDS;
  return Math.max(0, Math.min(Math.floor(ms / 1000), latest));
}
