/** Resource paths, appended to the versioned Admin API base URL. */
export const CUSTOMERS_PATH = '/customers.json';
export const CUSTOMERS_COUNT_PATH = '/customers/count.json';
/** Shopify's maximum page size for customers. */
export const CUSTOMERS_PAGE_SIZE = 250;
