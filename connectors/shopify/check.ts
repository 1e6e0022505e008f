import type { CheckResult, ConnectorContext } from '../../src/connector-sdk';
import { CUSTOMERS_COUNT_PATH } from './paths';
import type { ShopifyConfig, ShopifyCredentials } from './types';

/** Counting customers is one cheap call that also proves the read_customers scope. */
export async function checkShopify(
  ctx: ConnectorContext<ShopifyConfig, ShopifyCredentials>,
): Promise<CheckResult> {
  const response = await ctx.http.request<{ count?: number }>({
    path: CUSTOMERS_COUNT_PATH,
    acceptStatuses: [401, 403, 404],
  });
  if (response.status === 401) {
    return { ok: false, message: 'Shopify rejected the access token' };
  }
  if (response.status === 403) {
    return {
      ok: false,
      message: 'The access token is valid but lacks the read_customers scope',
    };
  }
  if (response.status === 404) {
    return { ok: false, message: 'No Shopify shop or API version at this address' };
  }
  const count = response.data.count;
  return {
    ok: true,
    message: 'Connected to Shopify',
    ...(typeof count === 'number' ? { details: { customers: count } } : {}),
  };
}
