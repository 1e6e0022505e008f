import type { ConnectorManifest } from '../../src/connector-sdk';

/** Requests per minute on the Team plan, the smallest current plan. */
const TEAM_PLAN_REQUESTS_PER_MINUTE = 200;

export const zendeskManifest: ConnectorManifest = {
  name: 'zendesk',
  displayName: 'Zendesk Support',
  description:
    'Zendesk Support users (end-users; agents and admins on request): cursor-based incremental export, signed event webhooks, upserts and GDPR deletes.',
  category: 'helpdesk',
  capabilities: ['read', 'incremental', 'webhooks', 'write', 'deletes'],
  configSchema: {
    type: 'object',
    properties: {
      subdomain: {
        type: 'string',
        title: 'Subdomain',
        description: 'The account\'s subdomain: "acme" for https://acme.zendesk.com.',
        pattern: '^[a-z0-9][a-z0-9-]*$',
      },
      baseUrl: {
        type: 'string',
        format: 'uri',
        title: 'API base URL',
        description:
          'Overrides the subdomain: the API base with /api/v2, e.g. https://acme.zendesk.com/api/v2. For testing or a proxy.',
      },
      requestsPerMinute: {
        type: 'integer',
        title: 'Requests per minute',
        description:
          "The account's API limit (Team 200, Growth and Professional 400, Enterprise 700, High Volume add-on 2500).",
        minimum: 10,
        maximum: 2500,
      },
      includeStaff: {
        type: 'boolean',
        title: 'Include agents and admins',
        description:
          "Off: only end-users (the helpdesk's customers) become profiles; agents and admins, the account owner included, are left out, and an end-user made an agent loses what this connection contributed to their profile. On: every user is taken.",
        default: false,
      },
    },
    additionalProperties: false,
  },
  credentialsSchema: {
    type: 'object',
    properties: {
      email: {
        type: 'string',
        title: 'Admin email',
        description: 'Email of the admin the API token acts as (the export needs an admin).',
        minLength: 3,
        'x-secret': true,
      },
      apiToken: {
        type: 'string',
        title: 'API token',
        description: 'Admin Center → Apps and integrations → Zendesk API → API tokens.',
        minLength: 1,
        'x-secret': true,
      },
      webhookSecret: {
        type: 'string',
        title: 'Webhook signing secret',
        description: "The webhook's signing secret, used to verify deliveries.",
        minLength: 1,
        'x-secret': true,
      },
    },
    required: ['email', 'apiToken'],
    additionalProperties: false,
  },
  // The whole account shares this budget (agents' apps included), so a connection that
  // knows its plan should say so in `config.requestsPerMinute`.
  rateLimit: { requests: TEAM_PLAN_REQUESTS_PER_MINUTE, intervalMs: 60_000 },
  defaultMapping: {
    email: 'email',
    phone: 'phone',
    // Pseudo-fields: Zendesk keeps one `name`; mapOut composes it from these two.
    first_name: 'firstName',
    last_name: 'lastName',
    locale: 'locale',
    // A custom user field with the key `company` (Admin Center → People → User fields).
    'user_fields.company': 'company',
  },
  // Each user is its own synchronous request (see write.ts); a batch is only a unit of work.
  writeBatchSize: 20,
  // "The incremental export endpoints exclude any items that were created or changed within the
  // minute prior to your request" (Zendesk, Using the incremental export API): a full read
  // cannot return a user changed in that minute, so such a user is not taken for deleted.
  fullReadLagSeconds: 60,
};
