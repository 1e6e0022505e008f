/**
 * The public surface of the connector SDK. Connectors import only from here
 * (`../../src/connector-sdk`), never from runtime internals.
 */
export * from './connector.types';
export type { HttpClient, HttpRequest, HttpResponse } from './http-client.types';
export * from './errors';
export {
  DEFAULT_BACKOFF,
  RETRYABLE_NETWORK_CODES,
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type BackoffOptions,
  type RetryDelaySource,
} from './retry-policy';
export type { CanonicalAddress, CanonicalTraits } from '../profiles/canonical/canonical-traits';
export { assignDefined, cleanText, setPath, toIsoTime, type VendorBody } from './mapping';
export { mapLimited } from './map-limited';
export { signaturesMatch, webhookHeader } from './webhook-helpers';
