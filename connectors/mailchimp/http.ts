import type { ConnectorHttpSetup } from '../../src/connector-sdk';
import { MAILCHIMP_BASE_URL_TEMPLATE } from './manifest';
import type { MailchimpConfig, MailchimpCredentials } from './types';

/**
 * Basic auth with the API key as the password; Mailchimp ignores the user name. Its 429s
 * carry no `Retry-After` and no rate headers (the limit is on concurrency: a slot frees as
 * soon as one of the account's requests finishes), so the shared client's jittered
 * exponential backoff is the right wait and no vendor hint is given.
 */
export function mailchimpHttp(
  config: MailchimpConfig,
  credentials: MailchimpCredentials,
): ConnectorHttpSetup {
  return {
    baseUrl: mailchimpBaseUrl(config, credentials),
    basicAuth: { username: 'syncline', password: credentials.apiKey },
    rateLimit: config.requestsPerSecond
      ? { requests: config.requestsPerSecond, intervalMs: 1_000 }
      : undefined,
  };
}

export function mailchimpBaseUrl(
  config: MailchimpConfig,
  credentials: MailchimpCredentials,
): string {
  if (config.baseUrl) return config.baseUrl;
  const dc = dataCentre(credentials.apiKey);
  if (!dc) {
    throw new Error(
      'The Mailchimp API key has no data-centre suffix (e.g. "-us19"): check the key, or set config.baseUrl',
    );
  }
  return MAILCHIMP_BASE_URL_TEMPLATE.replace('{dc}', dc);
}

/** `us19` from `…-us19`; undefined when the key does not end with a data centre. */
export function dataCentre(apiKey: string): string | undefined {
  return /-([a-z]+\d+)$/i.exec(apiKey.trim())?.[1]?.toLowerCase();
}
