import type { ConnectorManifest } from '../../src/connector-sdk';

export const SHOPIFY_DEFAULT_API_VERSION = '2024-10';

export const shopifyManifest: ConnectorManifest = {
  name: 'shopify',
  displayName: 'Shopify',
  description:
    'Shopify customers (Admin REST API): full and incremental reads, signed webhooks, creates and updates, deletes and data erasure requests.',
  category: 'ecommerce',
  capabilities: ['read', 'incremental', 'webhooks', 'write', 'deletes'],
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
        description:
          'Access token with the read_customers scope; write_customers to push profiles, and write_customer_data_erasure to erase customers who have orders.',
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
  // Customer fields (dot paths) ← canonical fields, each read back by mapIn into the same
  // field so our own write returns as no change. Shopify holds company and address on the
  // default address (the customer address resource writes them). Left out on purpose, yet
  // mappable by a connection: `tags` (a write replaces the whole set, and merchants drive
  // discounts and B2B pricing from Shopify tags) and `email_marketing_consent.state` (consent
  // is recorded where it was given; opting a customer in from another tool's state is a
  // decision for the merchant).
  defaultMapping: {
    email: 'email',
    phone: 'phone',
    first_name: 'firstName',
    last_name: 'lastName',
    'default_address.company': 'company',
    'default_address.address1': 'address.line1',
    'default_address.address2': 'address.line2',
    'default_address.city': 'address.city',
    'default_address.province_code': 'address.region',
    'default_address.zip': 'address.postalCode',
    'default_address.country_code': 'address.country',
  },
  // No batch endpoint: a write is one to three requests per customer at 2 a second, so a
  // batch is kept small enough to finish in seconds (a failed call is retried whole).
  writeBatchSize: 10,
};
