/** Resource paths, appended to the versioned Admin API base URL. */
export const CUSTOMERS_PATH = '/customers.json';
export const CUSTOMERS_COUNT_PATH = '/customers/count.json';
export const CUSTOMERS_SEARCH_PATH = '/customers/search.json';
/** The GraphQL Admin API sits beside the REST resources, under the same versioned base. */
export const GRAPHQL_PATH = '/graphql.json';
/** Shopify's maximum page size for customers. */
export const CUSTOMERS_PAGE_SIZE = 250;

export const customerPath = (id: string): string => `/customers/${encodeURIComponent(id)}.json`;
export const customerAddressesPath = (id: string): string =>
  `/customers/${encodeURIComponent(id)}/addresses.json`;
export const customerAddressPath = (id: string, addressId: string): string =>
  `/customers/${encodeURIComponent(id)}/addresses/${encodeURIComponent(addressId)}.json`;
