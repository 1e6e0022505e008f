import type { ConnectorHttpSetup } from '../../src/connector-sdk';
import { SHOPIFY_DEFAULT_API_VERSION } from './manifest';
import type { ShopifyConfig, ShopifyCredentials } from './types';

/**
 * Auth header and base URL. Shopify's 429 always carries `Retry-After` (seconds, possibly
 * fractional), which the shared client honours, so no vendor-specific retry hint is needed.
 */
export function shopifyHttp(
  config: ShopifyConfig,
  credentials: ShopifyCredentials,
): ConnectorHttpSetup {
  return {
    baseUrl: shopifyBaseUrl(config),
    headers: { 'x-shopify-access-token': credentials.accessToken },
  };
}

export function shopifyBaseUrl(config: ShopifyConfig): string {
  if (config.baseUrl) return config.baseUrl;
  const domain = config.shopDomain?.trim();
  if (!domain) {
    throw new Error(
      'Shopify connection needs config.shopDomain (e.g. "acme.myshopify.com") or config.baseUrl',
    );
  }
  const version = config.apiVersion ?? SHOPIFY_DEFAULT_API_VERSION;
  return `https://${domain}/admin/api/${version}`;
}
