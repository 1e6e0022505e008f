/**
 * The HubSpot read cursor. JSON, and valid after any page, so a killed worker resumes exactly
 * where its last checkpoint stopped.
 *
 * - `list`: a full read in progress over the list endpoint. `startedAt` becomes the anchor of
 *   the next incremental read, so changes made while the full read ran are picked up.
 * - `search`: incremental position. `since` is the `lastmodifieddate` anchor (ms, GTE);
 *   `after` is an offset used only while many records share the anchor's exact millisecond;
 *   `skipIds` are records at `since` already delivered (GTE returns them again).
 */
import type { SyncCursor } from '../../src/connector-sdk';

export type HubspotListCursor = { phase: 'list'; after: string | null; startedAt: number };
export type HubspotSearchCursor = {
  phase: 'search';
  since: number;
  after: number | null;
  skipIds: string[];
};
export type HubspotCursor = HubspotListCursor | HubspotSearchCursor;

export function parseHubspotCursor(cursor: SyncCursor | null): HubspotCursor | null {
  if (!cursor) return null;
  if (
    cursor.phase === 'list' &&
    (cursor.after === null || typeof cursor.after === 'string') &&
    typeof cursor.startedAt === 'number'
  ) {
    return { phase: 'list', after: cursor.after, startedAt: cursor.startedAt };
  }
  if (
    cursor.phase === 'search' &&
    typeof cursor.since === 'number' &&
    (cursor.after === null || typeof cursor.after === 'number') &&
    Array.isArray(cursor.skipIds) &&
    cursor.skipIds.every((id) => typeof id === 'string')
  ) {
    return {
      phase: 'search',
      since: cursor.since,
      after: cursor.after,
      skipIds: cursor.skipIds as string[],
    };
  }
  throw new Error(
    `Unrecognised HubSpot cursor ${JSON.stringify(cursor)}; run a full sync to reset it`,
  );
}
