import type { ConnectorHttpSetup } from '../../src/connector-sdk';
import { HUBSPOT_DEFAULT_BASE_URL } from './manifest';
import type { HubspotConfig, HubspotCredentials, HubspotErrorBody } from './types';

/** Longer than the runtime waits in-process: a daily-limit 429 fails the call as rate-limited. */
const DAILY_LIMIT_BACKOFF_MS = 60 * 60 * 1000;
/** Search's secondly limit (about 4/s; its 429s carry no rate headers) frees up within ~1 s. */
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
    // One per client: the escalation below follows this connection's own run of 429s.
    retryDelayMs: hubspotRetryDelays(),
  };
}

type RetryDelayMs = NonNullable<ConnectorHttpSetup['retryDelayMs']>;

/**
 * HubSpot documents no `Retry-After`, so the wait after a 429 is ours to choose:
 *
 * - DAILY: not worth waiting for in-process (the call fails as rate-limited, the job retries).
 * - The rolling per-10-second window (named by `X-HubSpot-RateLimit-Interval-Milliseconds`,
 *   with `-Max`): the connection's shared budget already paces requests to it, so a lone 429
 *   there means HubSpot counted a request a few ms before our window let it go (we record a
 *   grant when the request leaves, HubSpot when it arrives). A slot frees within about one
 *   request's share of the window (interval / max, 100 ms at 100 per 10 s), so that is the
 *   first wait. Waiting out the whole interval, as before, idled a sync for 10 s (a full
 *   window of budget) per miss. Further 429s within an interval mean the window really is
 *   full (a budget set above the portal's, or other apps of the portal spending it): the
 *   wait doubles per miss, up to the whole interval.
 * - Anything else (search's secondly limit, which sends no rate headers): ~1 s.
 */
export function hubspotRetryDelays(now: () => number = Date.now): RetryDelayMs {
  let streak = 0;
  let lastMissAt = -Infinity;
  return (response) => {
    if (response.status !== 429) return undefined;
    const body = (
      response.data && typeof response.data === 'object' ? response.data : {}
    ) as HubspotErrorBody;
    if (body.policyName === 'DAILY') return DAILY_LIMIT_BACKOFF_MS;
    const interval = Number(response.headers['x-hubspot-ratelimit-interval-milliseconds']);
    if (!(Number.isFinite(interval) && interval > 0)) return SECONDLY_BACKOFF_MS;
    const max = Number(response.headers['x-hubspot-ratelimit-max']);
    const slotMs = Number.isFinite(max) && max > 0 ? interval / max : SECONDLY_BACKOFF_MS;
    const at = now();
    streak = at - lastMissAt < interval ? streak + 1 : 0;
    lastMissAt = at;
    return Math.min(interval, Math.ceil(slotMs * 2 ** streak));
  };
}
