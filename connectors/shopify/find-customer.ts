import type { ConnectorContext } from '../../src/connector-sdk';
import { CUSTOMERS_SEARCH_PATH } from './paths';
import type {
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyCustomer,
  ShopifyCustomersResponse,
} from './types';

type Ctx = ConnectorContext<ShopifyConfig, ShopifyCredentials>;

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

async function search(ctx: Ctx, query: string): Promise<ShopifyCustomer[]> {
  const { data } = await ctx.http.request<ShopifyCustomersResponse>({
    path: CUSTOMERS_SEARCH_PATH,
    query: { query },
  });
  return data.customers ?? [];
}
