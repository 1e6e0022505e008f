import type { ConnectorManifest } from '../../src/connector-sdk';

export const HUBSPOT_DEFAULT_BASE_URL = 'https://api.hubapi.com';

export const hubspotManifest: ConnectorManifest = {
  name: 'hubspot',
  displayName: 'HubSpot',
  description:
    'HubSpot CRM contacts (v3 API): full and incremental reads, signed webhooks, batch upserts by email or id, GDPR deletes.',
  category: 'crm',
  capabilities: ['read', 'incremental', 'webhooks', 'write', 'deletes'],
  configSchema: {
    type: 'object',
    properties: {
      baseUrl: {
        type: 'string',
        format: 'uri',
        title: 'API base URL',
        description: 'Override only for testing or a proxy.',
        default: HUBSPOT_DEFAULT_BASE_URL,
      },
      requestsPer10Seconds: {
        type: 'integer',
        title: 'Requests per 10 seconds',
        description:
          "The app's burst limit on this HubSpot plan (100 on Free/Starter, 190 on Professional/Enterprise).",
        minimum: 1,
        maximum: 1000,
      },
      portalId: {
        type: 'integer',
        title: 'Portal (Hub) ID',
        description:
          "The HubSpot account this connection belongs to (the Hub ID shown in HubSpot's account menu and in app.hubspot.com URLs). A public app sends every installed account's webhook events to one URL, signed with one client secret: with this set, events of other accounts are ignored and the connection test checks that the access token belongs to this account.",
        minimum: 1,
      },
    },
    additionalProperties: false,
  },
  credentialsSchema: {
    type: 'object',
    properties: {
      accessToken: {
        type: 'string',
        title: 'Access token',
        description:
          'Private app access token (scope crm.objects.contacts.read; crm.objects.contacts.write to push profiles and erase).',
        minLength: 1,
        'x-secret': true,
      },
      clientSecret: {
        type: 'string',
        title: 'Client secret',
        description: 'App client secret, used to verify webhook signatures.',
        minLength: 1,
        'x-secret': true,
      },
    },
    required: ['accessToken'],
    additionalProperties: false,
  },
  // HubSpot Free/Starter: 100 requests per 10 seconds per app.
  rateLimit: { requests: 100, intervalMs: 10_000 },
  // Contact properties (internal names) ← canonical fields. Each is what mapIn reads back into
  // the same field, so our own write returns as no change. `country` is written as the ISO
  // code, which mapIn reads as itself; a HubSpot name ("France") reads as the same code, so it
  // is never overwritten for nothing. HubSpot has no second address line.
  defaultMapping: {
    email: 'email',
    firstname: 'firstName',
    lastname: 'lastName',
    phone: 'phone',
    company: 'company',
    jobtitle: 'jobTitle',
    address: 'address.line1',
    city: 'address.city',
    state: 'address.region',
    zip: 'address.postalCode',
    country: 'address.country',
  },
  // No second address line in HubSpot: a contact's address says nothing about one.
  // A public app's one webhook URL carries every installing account's events.
  webhookAccountKey: 'portalId',
  partialTraits: { address: ['line1', 'city', 'region', 'postalCode', 'country'] },
  // `batch/upsert` and `batch/update` take at most 100 inputs.
  writeBatchSize: 100,
};
