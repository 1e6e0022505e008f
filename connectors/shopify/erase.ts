import type { ConnectorContext, EraseItem, WriteResult } from '../../src/connector-sdk';
import { customerId } from './customer-id';
import { describeShopifyError } from './errors';
import { creationTag } from './creation-tag';
import { findByCreationTag, findByEmail } from './find-customer';
import { customerPath, GRAPHQL_PATH } from './paths';
import type {
  CustomerRequestDataErasureData,
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyGraphqlResponse,
} from './types';

type Ctx = ConnectorContext<ShopifyConfig, ShopifyCredentials>;

const REQUEST_DATA_ERASURE = `mutation customerRequestDataErasure($customerId: ID!) {
  customerRequestDataErasure(customerId: $customerId) {
    customerId
    userErrors { field message code }
  }
}`;

/**
 * `DELETE /customers/{id}.json` removes a customer for good. Shopify refuses it (422) for a
 * customer who has placed orders: orders are the merchant's records and keep their customer.
 * For those, Shopify documents one way to remove the personal data: the GraphQL Admin API's
 * `customerRequestDataErasure` (REST has no equivalent), which queues the erasure Shopify
 * itself carries out, as when a merchant erases a customer's data from the admin. It needs the
 * `write_customer_data_erasure` scope; without it, or when Shopify refuses, the erase fails
 * (not retryable) naming what is missing, and the customer stays until someone acts in Shopify.
 *
 * The customer is found by id when known, else by the email last written or read, else (a
 * person without an email) by the creation tag a create carries when its answer may be lost
 * (write.ts): a customer made by a create whose answer never came is erased too. A customer
 * already gone (404, or no match) is done, so a retried erase completes.
 */
export async function eraseCustomers(ctx: Ctx, batch: EraseItem[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const item of batch) results.push(await eraseCustomer(ctx, item));
  return results;
}

async function eraseCustomer(ctx: Ctx, item: EraseItem): Promise<WriteResult> {
  let id = item.externalId && /^\d+$/.test(item.externalId) ? item.externalId : undefined;
  if (!id) {
    const email = typeof item.fields.email === 'string' ? item.fields.email.trim() : '';
    const match = email
      ? await findByEmail(ctx, email)
      : await findByCreationTag(ctx, creationTag(item.profileId));
    if (!match) return { profileId: item.profileId, ok: true };
    id = customerId(match);
  }
  const response = await ctx.http.request({
    method: 'DELETE',
    path: customerPath(id),
    acceptStatuses: [404, 422],
  });
  if (response.status < 300 || response.status === 404) {
    return { profileId: item.profileId, ok: true, externalId: id };
  }
  const refusal = describeShopifyError(response.status, response.data);
  return requestDataErasure(ctx, item, id, refusal);
}

async function requestDataErasure(
  ctx: Ctx,
  item: EraseItem,
  id: string,
  deleteRefusal: string,
): Promise<WriteResult> {
  const { data } = await ctx.http.request<ShopifyGraphqlResponse<CustomerRequestDataErasureData>>({
    method: 'POST',
    path: GRAPHQL_PATH,
    body: {
      query: REQUEST_DATA_ERASURE,
      variables: { customerId: `gid://shopify/Customer/${id}` },
    },
  });
  const failed = (error: string, retryable = false): WriteResult => ({
    profileId: item.profileId,
    ok: false,
    retryable,
    error: `Shopify refused to delete customer ${id} (${deleteRefusal}), as it does for customers with orders, and ${error}`,
    externalId: id,
  });
  const errors = data?.errors ?? [];
  if (errors.length > 0) {
    const words = errors.map((error) => error.message ?? error.extensions?.code).join('; ');
    // GraphQL answers 200 even when throttled: its cost budget refills within seconds.
    if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
      return failed(`the data erasure request was throttled: ${words}`, true);
    }
    return failed(
      `refused the data erasure request (the token needs write_customer_data_erasure): ${words}`,
    );
  }
  const payload = data?.data?.customerRequestDataErasure;
  const userErrors = payload?.userErrors ?? [];
  if (userErrors.some((error) => error.code === 'DOES_NOT_EXIST')) {
    return { profileId: item.profileId, ok: true, externalId: id };
  }
  if (userErrors.length > 0 || !payload?.customerId) {
    const words = userErrors.map((error) => error.message ?? error.code).join('; ');
    return failed(`refused the data erasure request: ${words || 'no customer id returned'}`);
  }
  ctx.logger.info('Shopify customer has orders; its data erasure was requested instead', {
    customerId: id,
  });
  return { profileId: item.profileId, ok: true, externalId: id };
}
