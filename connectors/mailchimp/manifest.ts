import type { ConnectorManifest, FieldMapping } from '../../src/connector-sdk';
import { MEMBER_WRITE_STATUSES } from './types';

/** The data centre goes in front: `https://us19.api.mailchimp.com/3.0`. */
export const MAILCHIMP_BASE_URL_TEMPLATE = 'https://{dc}.api.mailchimp.com/3.0';

/**
 * Canonical traits → member fields. Only the merge fields every new audience starts with
 * (FNAME, LNAME, ADDRESS, PHONE) are mapped by default; an audience with, say, a COMPANY
 * field adds `"merge_fields.COMPANY": "company"` to its connection's mapping. Tags go through
 * their own endpoint after the upsert (see member-tags.ts); map `tags` to null to leave them.
 */
export const MAILCHIMP_DEFAULT_MAPPING: FieldMapping = {
  email_address: 'email',
  status: 'emailConsent',
  'merge_fields.FNAME': 'firstName',
  'merge_fields.LNAME': 'lastName',
  'merge_fields.PHONE': 'phone',
  'merge_fields.ADDRESS': 'address',
  tags: 'tags',
};

/**
 * Mailchimp caps each user at 10 simultaneous connections (all apps together) and has no
 * request-rate limit. A rate budget bounds concurrency by rate × latency: 10 requests a
 * second keeps this connection under the cap as long as requests take under a second, and
 * leaves headroom for other apps on the account. A write call sends this many members, at
 * most WRITE_CONCURRENCY at a time.
 */
export const MAILCHIMP_REQUESTS_PER_SECOND = 10;
export const MAILCHIMP_WRITE_BATCH_SIZE = 10;

export const mailchimpManifest: ConnectorManifest = {
  name: 'mailchimp',
  displayName: 'Mailchimp',
  description:
    'Mailchimp audience members (Marketing API 3.0): full and incremental reads, webhooks with a URL token, upserts by subscriber hash, permanent deletion or archiving.',
  category: 'email',
  capabilities: ['read', 'incremental', 'webhooks', 'write', 'deletes'],
  configSchema: {
    type: 'object',
    properties: {
      listId: {
        type: 'string',
        title: 'Audience id',
        description:
          'The audience (list) id, found under Audience → Settings → Audience name and defaults.',
        pattern: '^[A-Za-z0-9]+$',
        minLength: 1,
      },
      baseUrl: {
        type: 'string',
        format: 'uri',
        title: 'API base URL',
        description:
          'Overrides the data centre taken from the API key, e.g. https://us19.api.mailchimp.com/3.0. For testing or a proxy.',
      },
      statusIfNew: {
        type: 'string',
        title: 'Status of new members',
        description:
          'Used when Syncline adds someone whose email consent it does not know. "transactional" sends them no marketing; "pending" sends a confirmation email.',
        enum: [...MEMBER_WRITE_STATUSES],
        default: 'transactional',
      },
      eraseMode: {
        type: 'string',
        title: 'Erase as',
        description:
          '"delete-permanent" removes the member and their data for good (the address cannot be re-imported); "archive" keeps them, out of the audience.',
        enum: ['delete-permanent', 'archive'],
        default: 'delete-permanent',
      },
      requestsPerSecond: {
        type: 'integer',
        title: 'Requests per second',
        description:
          'Budget of this connection. Mailchimp allows 10 simultaneous connections per user across all apps.',
        minimum: 1,
        maximum: 100,
      },
    },
    required: ['listId'],
    additionalProperties: false,
  },
  credentialsSchema: {
    type: 'object',
    properties: {
      apiKey: {
        type: 'string',
        title: 'API key',
        description: 'Account → Extras → API keys; ends with the data centre, e.g. "-us19".',
        minLength: 1,
        'x-secret': true,
      },
      webhookToken: {
        type: 'string',
        title: 'Webhook token',
        description:
          'A random secret (at least 16 characters). Register the webhook as PUBLIC_URL/webhooks/{connectionId}?token={webhookToken}.',
        minLength: 16,
        'x-secret': true,
      },
    },
    required: ['apiKey'],
    additionalProperties: false,
  },
  rateLimit: { requests: MAILCHIMP_REQUESTS_PER_SECOND, intervalMs: 1_000 },
  defaultMapping: MAILCHIMP_DEFAULT_MAPPING,
  writeBatchSize: MAILCHIMP_WRITE_BATCH_SIZE,
};
