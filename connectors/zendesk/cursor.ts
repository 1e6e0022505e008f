/**
 * The Zendesk read cursor. JSON, and valid after any page, so a killed worker resumes exactly
 * where its last checkpoint stopped.
 *
 * - `after`: Zendesk's opaque `after_cursor`, where the export stream continues (null before
 *   the first page of a stream).
 * - `caughtUp`: a page said `end_of_stream`. Until then a read is in progress and is resumed
 *   through `after` as is; only a caught-up cursor may be rewound for a look-back.
 * - `startTime`: the `start_time` (unix seconds) the stream began from; 0 for a full read.
 * - `newestUpdatedAt`: the newest `updated_at` delivered so far (ms), on Zendesk's clock; the
 *   anchor a look-back rewinds from, since `after_cursor` itself cannot be rewound.
 */
import type { SyncCursor } from '../../src/connector-sdk';

export type ZendeskCursor = {
  after: string | null;
  caughtUp: boolean;
  startTime: number;
  newestUpdatedAt: number | null;
};

export function parseZendeskCursor(cursor: SyncCursor | null): ZendeskCursor | null {
  if (!cursor) return null;
  const { after, caughtUp, startTime, newestUpdatedAt } = cursor;
  if (
    (after === null || typeof after === 'string') &&
    typeof caughtUp === 'boolean' &&
    typeof startTime === 'number' &&
    Number.isInteger(startTime) &&
    startTime >= 0 &&
    (newestUpdatedAt === null || typeof newestUpdatedAt === 'number')
  ) {
    return { after, caughtUp, startTime, newestUpdatedAt };
  }
  throw new Error(
    `Unrecognised Zendesk cursor ${JSON.stringify(cursor)}; run a full sync to reset it`,
  );
}
