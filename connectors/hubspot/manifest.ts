import type { ConnectorManifest } from '../../src/connector-sdk';

export const HUBSPOT_DEFAULT_BASE_URL = 'https://api.hubapi.com';

export const hubspotManifest: ConnectorManifest = {
  name: 'hubspot',
  displayName: 'HubSpot',
  description:
    'HubSpot CRM contacts (v3 API): full and incremental reads, signed webhooks, deletes.',
  category: 'crm',
  capabilities: ['read', 'incremental', 'webhooks', 'deletes'],
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
    },
    additionalProperties: false,
  },
  credentialsSchema: {
    type: 'object',
    properties: {
      accessToken: {
        type: 'string',
        title: 'Access token',
        description: 'Private app access token (scope crm.objects.contacts.read).',
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
};
