import type { ConnectorHttpSetup } from '../../src/connector-sdk';
import { HUBSPOT_DEFAULT_BASE_URL } from './manifest';
import type { HubspotConfig, HubspotCredentials, HubspotErrorBody } from './types';

/** Longer than the runtime waits in-process: a daily-limit 429 fails the call as rate-limited. */
const DAILY_LIMIT_BACKOFF_MS = 60 * 60 * 1000;
/** HubSpot's secondly policies (and search, which sends no rate headers) free up within ~1 s. */
const SECONDLY_BACKOFF_MS = 1_000;

export function hubspotHttp(
  config: HubspotConfig,
  credentials: HubspotCredentials,
): ConnectorHttpSetup {
  return {
    baseUrl: config.baseUrl ?? HUBSPOT_DEFAULT_BASE_URL,
    headers: { authorization: `Bearer ${credentials.accessToken}` },
    rateLimit: config.requestsPer10Seconds
      ? { requests: config.requestsPer10Seconds, intervalMs: 10_000 }
      : undefined,
    retryDelayMs: hubspotRetryDelayMs,
  };
}

/**
 * HubSpot documents no `Retry-After`. On a 429, wait out the window named by
 * `X-HubSpot-RateLimit-Interval-Milliseconds` when present (a rolling window is then fully
 * clear), else ~1 s; a DAILY policy is not worth waiting for in-process.
 */
export function hubspotRetryDelayMs(response: {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}): number | undefined {
  if (response.status !== 429) return undefined;
  const body = (
    response.data && typeof response.data === 'object' ? response.data : {}
  ) as HubspotErrorBody;
  if (body.policyName === 'DAILY') return DAILY_LIMIT_BACKOFF_MS;
  const interval = Number(response.headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (Number.isFinite(interval) && interval > 0) return interval;
  return SECONDLY_BACKOFF_MS;
}
