import type { ConnectorContext, ReadPage, ReadRequest } from '../../src/connector-sdk';
import { parseHubspotCursor, type HubspotListCursor } from './cursor';
import { readAllContacts } from './read-list';
import { readChangedContacts, type SearchLimits } from './read-search';
import type { HubspotConfig, HubspotContact, HubspotCredentials } from './types';

/**
 * The next incremental read starts this much before the full read began: our clock and
 * HubSpot's may disagree, and re-reading a few records is harmless (ingestion is idempotent).
 */
const CLOCK_SKEW_MARGIN_MS = 5 * 60 * 1000;

/**
 * `full` lists every contact (resuming a full read in progress). `incremental` searches for
 * changes since the cursor; without a cursor it starts with a full list, because listing is
 * cheaper than searching from the epoch and search has a lower rate limit.
 */
export function readContacts(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
  request: ReadRequest,
  limits: SearchLimits,
): AsyncIterable<ReadPage<HubspotContact>> {
  const cursor = parseHubspotCursor(request.cursor);
  const freshList: HubspotListCursor = {
    phase: 'list',
    after: null,
    startedAt: Date.now() - CLOCK_SKEW_MARGIN_MS,
  };

  if (request.mode === 'full') {
    return readAllContacts(ctx, cursor?.phase === 'list' ? cursor : freshList);
  }
  if (!cursor) return readAllContacts(ctx, freshList);
  if (cursor.phase === 'list') return readAllContacts(ctx, cursor);

  // Looking back catches records HubSpot's search index surfaced late. Not applied while paging
  // by offset through one millisecond (`after` set), where moving the anchor would restart it.
  const lookBack = cursor.after === null && request.lookBackMs ? request.lookBackMs : 0;
  const start =
    lookBack > 0
      ? { phase: 'search' as const, since: cursor.since - lookBack, after: null, skipIds: [] }
      : cursor;
  return readChangedContacts(ctx, start, limits);
}
