import type { ConnectorManifest } from '../../src/connector-sdk';

export const SHOPIFY_DEFAULT_API_VERSION = '2024-10';

export const shopifyManifest: ConnectorManifest = {
  name: 'shopify',
  displayName: 'Shopify',
  description:
    'Shopify customers (Admin REST API): full and incremental reads, signed webhooks, deletes.',
  category: 'ecommerce',
  capabilities: ['read', 'incremental', 'webhooks', 'deletes'],
  configSchema: {
    type: 'object',
    properties: {
      shopDomain: {
        type: 'string',
        title: 'Shop domain',
        description: 'The shop\'s myshopify domain, e.g. "acme.myshopify.com".',
        pattern: '^[a-z0-9][a-z0-9.-]*$',
      },
      baseUrl: {
        type: 'string',
        format: 'uri',
        title: 'API base URL',
        description:
          'Overrides the shop domain: the Admin API base with its version, e.g. https://acme.myshopify.com/admin/api/2024-10. For testing or a proxy.',
      },
      apiVersion: {
        type: 'string',
        title: 'API version',
        description: 'Admin API version (YYYY-MM), used with the shop domain.',
        pattern: '^\\d{4}-\\d{2}$',
        default: SHOPIFY_DEFAULT_API_VERSION,
      },
    },
    additionalProperties: false,
  },
  credentialsSchema: {
    type: 'object',
    properties: {
      accessToken: {
        type: 'string',
        title: 'Admin API access token',
        description: 'Access token with the read_customers scope.',
        minLength: 1,
        'x-secret': true,
      },
      clientSecret: {
        type: 'string',
        title: 'Client secret',
        description: "The app's client secret, used to verify webhook signatures.",
        minLength: 1,
        'x-secret': true,
      },
    },
    required: ['accessToken'],
    additionalProperties: false,
  },
  // Shopify's bucket holds 40 requests and drains 2/s. Spending no more than the drain rate
  // leaves the bucket's headroom to other apps of the same shop, which share it.
  rateLimit: { requests: 2, intervalMs: 1_000 },
};
