import type { WebhookEvent } from '../connector-sdk/connector.types';

/** Job name on the `webhooks` queue (QueueName.Webhooks): one job per parsed event. */
export const WEBHOOK_EVENT_JOB_NAME = 'webhook-event';

/**
 * How long a delivered event id is remembered: longer than vendors keep retrying a delivery
 * (Shopify: 8 times over 4 h) and at least a day, so a late retry is still recognised.
 */
export const WEBHOOK_DEDUPE_TTL_MS = 25 * 3600 * 1000;

/** The payload of one `webhooks` job. */
export interface WebhookJobData {
  connectionId: string;
  /** Connector name, so the worker maps the event without loading the connection. */
  connector: string;
  /** The HTTP request id of the delivery (X-Request-Id or generated): ties jobs to the access log. */
  deliveryId: string;
  /** When the delivery was received (ISO 8601): the version time of deletes that carry none. */
  receivedAt: string;
  event: WebhookEvent;
}

/** How one job ended when it did not fail. */
export interface WebhookJobResult {
  outcome: 'ingested' | 'skipped';
  /** Why a `skipped` event changed nothing. */
  reason?: string;
}

/** The deduplication id: a vendor's event ids are unique per account, not across connections. */
export function webhookDedupeId(connectionId: string, dedupeKey: string): string {
  return `${connectionId}:${dedupeKey}`;
}
