import type { ShopifyCustomer } from './types';

/**
 * The customer id as a string. Taken from `admin_graphql_api_id` when present: it is exact,
 * whereas a JSON number above 2^53 (possible for Shopify ids) loses digits when parsed.
 */
export function customerId(raw: Pick<ShopifyCustomer, 'id' | 'admin_graphql_api_id'>): string {
  const gid = raw.admin_graphql_api_id?.match(/^gid:\/\/shopify\/Customer\/(\d+)$/);
  if (gid) return gid[1];
  if (typeof raw.id === 'number' || typeof raw.id === 'string') return String(raw.id);
  throw new Error('Shopify customer has no id');
}
