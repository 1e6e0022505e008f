import type { ConnectorContext, ReadPage } from '../../src/connector-sdk';
import type { HubspotSearchCursor } from './cursor';
import { CONTACT_PROPERTIES, CONTACTS_SEARCH_PATH } from './properties';
import type {
  HubspotConfig,
  HubspotContact,
  HubspotCredentials,
  HubspotSearchResponse,
} from './types';

export interface SearchLimits {
  /** Results one search query can reach through paging (HubSpot: 10,000). */
  resultCap: number;
  /** Page size (HubSpot: at most 200). */
  pageSize: number;
}

/**
 * Incremental read over `POST /crm/v3/objects/contacts/search`, `lastmodifieddate GTE since`,
 * ascending.
 *
 * The window is re-anchored on the last `lastmodifieddate` after *every* page (keyset paging)
 * rather than only when the 10,000-result cap is reached. That makes the cap unreachable in
 * practice, and it avoids a loss that offset paging suffers: a record modified mid-read moves
 * to the end of the result set, shifting every later record one position back, so the record
 * at the next offset would be skipped. Offsets are used only while a page holds nothing newer
 * than the anchor (many records sharing one millisecond), where no shift can happen.
 */
export async function* readChangedContacts(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
  start: HubspotSearchCursor,
  limits: SearchLimits,
): AsyncIterable<ReadPage<HubspotContact>> {
  let cursor = start;
  const pageSize = Math.min(limits.pageSize, limits.resultCap);
  for (;;) {
    const { data } = await ctx.http.request<HubspotSearchResponse>({
      method: 'POST',
      path: CONTACTS_SEARCH_PATH,
      body: {
        filterGroups: [
          {
            filters: [
              { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(cursor.since) },
            ],
          },
        ],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: [...CONTACT_PROPERTIES],
        limit: pageSize,
        after: cursor.after === null ? undefined : String(cursor.after),
      },
    });

    const skip = new Set(cursor.skipIds);
    const records = data.results.filter((record) => !alreadyDelivered(cursor.since, skip, record));
    const hasMore = Boolean(data.paging?.next?.after);
    const next = advance(cursor, data.results, pageSize, hasMore, limits.resultCap, ctx);
    yield { records, cursor: next };
    if (!hasMore) return;
    cursor = next;
  }
}

function advance(
  cursor: HubspotSearchCursor,
  page: HubspotContact[],
  pageSize: number,
  hasMore: boolean,
  resultCap: number,
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
): HubspotSearchCursor {
  const newest = page.reduce((max, record) => Math.max(max, modifiedAt(record)), cursor.since);
  if (newest > cursor.since) {
    const atNewest = page.filter((record) => modifiedAt(record) === newest).map((r) => r.id);
    return { phase: 'search', since: newest, after: null, skipIds: atNewest };
  }
  // The whole page sits on the anchor's millisecond: remember what was delivered, and page
  // on by offset if more remain.
  const skipIds = [...new Set([...cursor.skipIds, ...page.map((record) => record.id)])];
  if (!hasMore) return { ...cursor, skipIds };
  const after = (cursor.after ?? 0) + pageSize;
  if (after >= resultCap) {
    ctx.logger.error(
      'More HubSpot contacts share one lastmodifieddate than search can page through',
      {
        lastmodifieddate: new Date(cursor.since).toISOString(),
        resultCap,
      },
    );
    return { phase: 'search', since: cursor.since + 1, after: null, skipIds: [] };
  }
  return { phase: 'search', since: cursor.since, after, skipIds };
}

/**
 * `skipIds` name versions, not contacts: the ones at the anchor's millisecond that an earlier
 * page delivered. A skipped contact edited since comes back with a newer `lastmodifieddate`,
 * and that version is new: dropping it would lose the edit, as the cursor then moves past it.
 */
function alreadyDelivered(
  since: number,
  skipIds: ReadonlySet<string>,
  record: HubspotContact,
): boolean {
  return modifiedAt(record) === since && skipIds.has(record.id);
}

function modifiedAt(record: HubspotContact): number {
  const value = record.properties.lastmodifieddate ?? record.updatedAt;
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
