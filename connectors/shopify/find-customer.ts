import type { ConnectorContext } from '../../src/connector-sdk';
import { customerId } from './customer-id';
import { hasTag } from './creation-tag';
import { nextLink } from './link-header';
import { CUSTOMERS_PAGE_SIZE, CUSTOMERS_PATH, CUSTOMERS_SEARCH_PATH } from './paths';
import type {
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyCustomer,
  ShopifyCustomersResponse,
} from './types';

type Ctx = ConnectorContext<ShopifyConfig, ShopifyCredentials>;

/**
 * How far back `findByCreationTag` lists the customers created lately. Shopify does not
 * document how far its search trails writes; this is meant to be far longer than that, and
 * covers a difference between our clock and Shopify's.
 */
export const RECENTLY_CREATED_MS = 15 * 60 * 1000;
/** At most this many pages (of 250) of recently created customers are read. */
const MAX_RECENT_PAGES = 4;
/** What a lookup by tag needs: the id, the tags, and the default address an update works on. */
const TAG_LOOKUP_FIELDS = 'id,admin_graphql_api_id,tags,default_address';

/** The customer holding exactly `email` (search matches loosely; only the address identifies). */
export async function findByEmail(ctx: Ctx, email: string): Promise<ShopifyCustomer | undefined> {
  const wanted = email.trim().toLowerCase();
  const customers = await search(ctx, `email:${email}`);
  return customers.find((customer) => customer.email?.toLowerCase() === wanted);
}

/** The customer holding exactly `phone` (E.164; Shopify keeps phones unique, as emails). */
export async function findByPhone(ctx: Ctx, phone: string): Promise<ShopifyCustomer | undefined> {
  const wanted = phone.trim();
  const customers = await search(ctx, `phone:${wanted}`);
  return customers.find((customer) => customer.phone?.trim() === wanted);
}

/**
 * The customer carrying `tag` (a creation tag, see creation-tag.ts): the one an earlier create
 * made when its answer was lost. When several carry it (a lookup missed the first, or someone
 * copied the tag), the oldest: the one every later try settles on too.
 *
 * Search (`tag:`) runs on an index that trails writes, and the retry of a create comes seconds
 * after it (the job's backoff), so the customers created in the last RECENTLY_CREATED_MS are
 * listed first (`GET /customers.json?created_at_min=…`). Shopify documents the freshness of
 * neither endpoint; the list is the one incremental syncs rely on to see every change, so it is
 * taken as current. Search then covers every customer older than its lag. What is left:
 * - a create still under way at Shopify when the retry looks (our side timed out, Shopify
 *   finishes it later); the job's backoff makes that unlikely, not impossible;
 * - a shop creating more than MAX_RECENT_PAGES × 250 customers in that window, where the
 *   newest are not listed: search alone then, and its lag;
 * - a search lag longer than the window.
 */
export async function findByCreationTag(
  ctx: Ctx,
  tag: string,
): Promise<ShopifyCustomer | undefined> {
  let tagged = (await listCreatedSince(ctx, Date.now() - RECENTLY_CREATED_MS)).filter((customer) =>
    hasTag(customer.tags, tag),
  );
  if (tagged.length === 0) {
    // Shopify answers an unsupported term with every customer (`tag` was one from 2024-07
    // until March 2025): only the tag itself identifies.
    tagged = (await search(ctx, `tag:${tag}`, TAG_LOOKUP_FIELDS)).filter((customer) =>
      hasTag(customer.tags, tag),
    );
  }
  if (tagged.length === 0) return undefined;
  const [oldest, ...others] = tagged.sort((a, b) => compareIds(customerId(a), customerId(b)));
  if (others.length > 0) {
    ctx.logger.warn('Several Shopify customers carry one creation tag; the oldest is used', {
      tag,
      customerIds: tagged.map(customerId),
    });
  }
  return oldest;
}

async function listCreatedSince(ctx: Ctx, sinceMs: number): Promise<ShopifyCustomer[]> {
  const customers: ShopifyCustomer[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_RECENT_PAGES; page++) {
    // A `page_info` URL already holds the filters and the fields; repeating them is a 400.
    const response = await ctx.http.request<ShopifyCustomersResponse>(
      next
        ? { path: next }
        : {
            path: CUSTOMERS_PATH,
            query: {
              created_at_min: new Date(sinceMs).toISOString(),
              limit: CUSTOMERS_PAGE_SIZE,
              fields: TAG_LOOKUP_FIELDS,
            },
          },
    );
    customers.push(...(response.data.customers ?? []));
    next = nextLink(response.headers.link);
    if (!next) return customers;
  }
  ctx.logger.warn('More Shopify customers were created lately than a lookup by tag reads', {
    read: customers.length,
  });
  return customers;
}

async function search(ctx: Ctx, query: string, fields?: string): Promise<ShopifyCustomer[]> {
  const { data } = await ctx.http.request<ShopifyCustomersResponse>({
    path: CUSTOMERS_SEARCH_PATH,
    query: { query, fields },
  });
  return data.customers ?? [];
}

/** Ids as decimal strings, compared as numbers (they may exceed 2^53). */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
