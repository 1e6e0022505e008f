import type { ConnectorContext, ReadPage, ReadRequest } from '../../src/connector-sdk';
import { parseShopifyCursor, type ShopifyCursor } from './cursor';
import { nextLink } from './link-header';
import { CUSTOMERS_PAGE_SIZE, CUSTOMERS_PATH } from './paths';
import type {
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyCustomer,
  ShopifyCustomersResponse,
} from './types';

/**
 * The next incremental read starts this much before this read began: our clock and Shopify's
 * may disagree, and re-reading a few customers is harmless (ingestion is idempotent).
 */
const CLOCK_SKEW_MARGIN_MS = 5 * 60 * 1000;

/**
 * `full` lists every customer (resuming a full read in progress); `incremental` lists those
 * with `updated_at >= updatedAtMin - lookBack`, or everything on a first run. A read in
 * progress (cursor with `nextPage`) resumes from its page whatever the mode, except that
 * `full` never resumes a filtered read.
 *
 * The anchor is the read's start time rather than the newest `updated_at` seen: Shopify
 * returns customers in id order, so a customer updated mid-read on an already-read page would
 * be older than the newest one seen and lost.
 */
export function readCustomers(
  ctx: ConnectorContext<ShopifyConfig, ShopifyCredentials>,
  request: ReadRequest,
): AsyncIterable<ReadPage<ShopifyCustomer>> {
  const cursor = parseShopifyCursor(request.cursor);
  const startedAt = new Date(Date.now() - CLOCK_SKEW_MARGIN_MS).toISOString();
  const fresh = (updatedAtMin: string | null): ShopifyCursor => ({
    updatedAtMin,
    nextPage: null,
    startedAt,
  });

  if (request.mode === 'full') {
    const resumable = cursor?.nextPage && cursor.updatedAtMin === null;
    return readPages(ctx, resumable ? cursor : fresh(null));
  }
  if (cursor?.nextPage) return readPages(ctx, cursor);
  if (!cursor?.updatedAtMin) return readPages(ctx, fresh(null));
  const anchor = Date.parse(cursor.updatedAtMin) - (request.lookBackMs ?? 0);
  return readPages(ctx, fresh(new Date(anchor).toISOString()));
}

async function* readPages(
  ctx: ConnectorContext<ShopifyConfig, ShopifyCredentials>,
  start: ShopifyCursor,
): AsyncIterable<ReadPage<ShopifyCustomer>> {
  let cursor = start;
  for (;;) {
    // A `page_info` URL is requested exactly as Shopify wrote it: it already holds the limit,
    // and adding the filters again would be answered 400.
    const response = await ctx.http.request<ShopifyCustomersResponse>(
      cursor.nextPage
        ? { path: cursor.nextPage }
        : {
            path: CUSTOMERS_PATH,
            query: {
              limit: CUSTOMERS_PAGE_SIZE,
              updated_at_min: cursor.updatedAtMin ?? undefined,
            },
          },
    );
    const records = response.data.customers ?? [];
    const next = nextLink(response.headers.link);
    if (next) {
      cursor = { ...cursor, nextPage: next };
      yield { records, cursor };
      continue;
    }
    // Done: the next incremental read starts where this one began.
    yield {
      records,
      cursor: { updatedAtMin: cursor.startedAt, nextPage: null, startedAt: null },
    };
    return;
  }
}
