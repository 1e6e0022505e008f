/**
 * Shopify e-commerce connector (Admin REST customers), both directions. Plain data plus
 * functions; no NestJS.
 */
import { defineConnector } from '../../src/connector-sdk';
import { checkShopify } from './check';
import { eraseCustomers } from './erase';
import { shopifyHttp } from './http';
import { shopifyManifest } from './manifest';
import { mapCustomer } from './map-in';
import { parseShopifyWebhook } from './parse-webhook';
import { readCustomers } from './read';
import { verifyShopifyWebhook } from './webhook-signature';
import { writeCustomers } from './write';
import type { ShopifyConfig, ShopifyCredentials, ShopifyCustomer } from './types';

export const connector = defineConnector<ShopifyConfig, ShopifyCredentials, ShopifyCustomer>({
  manifest: shopifyManifest,
  http: shopifyHttp,
  check: checkShopify,
  read: readCustomers,
  mapIn: mapCustomer,
  write: writeCustomers,
  erase: eraseCustomers,
  verifyWebhook: verifyShopifyWebhook,
  parseWebhook: parseShopifyWebhook,
});

export default connector;
export { mapOut } from './map-out';
export { shopifySignature } from './webhook-signature';
export type { ShopifyConfig, ShopifyCredentials, ShopifyCustomer } from './types';
