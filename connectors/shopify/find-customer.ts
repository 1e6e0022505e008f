import type { ConnectorContext } from '../../src/connector-sdk';
import { CUSTOMERS_SEARCH_PATH } from './paths';
import type {
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyCustomer,
  ShopifyCustomersResponse,
} from './types';

/** The customer holding exactly `email` (search matches loosely; only the address identifies). */
export async function findByEmail(
  ctx: ConnectorContext<ShopifyConfig, ShopifyCredentials>,
  email: string,
): Promise<ShopifyCustomer | undefined> {
  const { data } = await ctx.http.request<ShopifyCustomersResponse>({
    path: CUSTOMERS_SEARCH_PATH,
    query: { query: `email:${email}` },
  });
  const wanted = email.trim().toLowerCase();
  return (data.customers ?? []).find((customer) => customer.email?.toLowerCase() === wanted);
}
