/**
 * The Shopify read cursor. JSON, and valid after any page, so a killed worker resumes exactly
 * where its last checkpoint stopped.
 *
 * - `updatedAtMin`: the `updated_at_min` filter (ISO) of the read in progress, or, once a read
 *   has finished, the anchor of the next incremental read. `null` = no filter (full read).
 * - `nextPage`: the `rel="next"` URL of the read in progress (it carries `page_info`, which
 *   holds the filters; Shopify forbids repeating them). `null` when no read is in progress.
 * - `startedAt`: when the read in progress began, minus a clock-skew margin; becomes the next
 *   anchor when that read finishes.
 */
import type { SyncCursor } from '../../src/connector-sdk';

export type ShopifyCursor = {
  updatedAtMin: string | null;
  nextPage: string | null;
  startedAt: string | null;
};

export function parseShopifyCursor(cursor: SyncCursor | null): ShopifyCursor | null {
  if (!cursor) return null;
  const { updatedAtMin, nextPage, startedAt } = cursor;
  if (isNullableString(updatedAtMin) && isNullableString(nextPage) && isNullableString(startedAt)) {
    return { updatedAtMin, nextPage, startedAt };
  }
  throw new Error(
    `Unrecognised Shopify cursor ${JSON.stringify(cursor)}; run a full sync to reset it`,
  );
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
