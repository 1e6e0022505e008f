import type { ConnectorHttpSetup } from '../../src/connector-sdk';
import type { ZendeskConfig, ZendeskCredentials } from './types';

/**
 * A 429 without `Retry-After`: some per-resource limits (5 updates a minute per user) are
 * not documented to send it. A fifth of that minute frees the next slot.
 */
const RATE_LIMITED_FALLBACK_MS = 12_000;

/** API token auth: HTTP Basic with `{email}/token` as the user name and the token as password. */
export function zendeskHttp(
  config: ZendeskConfig,
  credentials: ZendeskCredentials,
): ConnectorHttpSetup {
  return {
    baseUrl: zendeskBaseUrl(config),
    basicAuth: { username: `${credentials.email}/token`, password: credentials.apiToken },
    rateLimit: config.requestsPerMinute
      ? { requests: config.requestsPerMinute, intervalMs: 60_000 }
      : undefined,
    retryDelayMs: (response) => (response.status === 429 ? RATE_LIMITED_FALLBACK_MS : undefined),
  };
}

export function zendeskBaseUrl(config: ZendeskConfig): string {
  if (config.baseUrl) return config.baseUrl;
  const subdomain = config.subdomain?.trim();
  if (!subdomain) {
    throw new Error('Zendesk connection needs config.subdomain (e.g. "acme") or config.baseUrl');
  }
  return `https://${subdomain}.zendesk.com/api/v2`;
}
