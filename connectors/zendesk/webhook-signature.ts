import { createHmac } from 'node:crypto';
import {
  signaturesMatch,
  webhookHeader,
  type WebhookRequest,
  type WebhookVerification,
} from '../../src/connector-sdk';
import type { ZendeskConfig, ZendeskCredentials } from './types';

/** Deliveries signed longer ago (or further ahead) than this are refused as replays. */
export const ZENDESK_MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/**
 * Zendesk signs `timestamp + rawBody` (no separator) with HMAC-SHA256 keyed by the webhook's
 * signing secret, base64-encoded in `X-Zendesk-Webhook-Signature`; the timestamp (ISO 8601)
 * is `X-Zendesk-Webhook-Signature-Timestamp`. Signing covers the timestamp, so a replayed
 * delivery cannot be given a fresh one: refusing old timestamps stops replays, and the
 * invocation id (parse-webhook) drops duplicates within the window.
 */
export function verifyZendeskWebhook(
  request: WebhookRequest,
  ctx: { config: ZendeskConfig; credentials: ZendeskCredentials },
): WebhookVerification {
  const secret = ctx.credentials.webhookSecret;
  if (!secret)
    return { ok: false, reason: 'No webhook signing secret configured for this connection' };
  const signature = webhookHeader(request.headers, SIGNATURE_HEADER);
  if (!signature) return { ok: false, reason: 'Missing X-Zendesk-Webhook-Signature header' };
  const timestamp = webhookHeader(request.headers, TIMESTAMP_HEADER);
  if (!timestamp) {
    return { ok: false, reason: 'Missing X-Zendesk-Webhook-Signature-Timestamp header' };
  }
  const expected = Buffer.from(zendeskSignature(request.rawBody, timestamp, secret), 'base64');
  if (!signaturesMatch(Buffer.from(signature.trim(), 'base64'), expected)) {
    return { ok: false, reason: 'Invalid X-Zendesk-Webhook-Signature' };
  }
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt)) {
    return { ok: false, reason: 'X-Zendesk-Webhook-Signature-Timestamp is not a date' };
  }
  if (Math.abs(request.receivedAt - signedAt) > ZENDESK_MAX_SIGNATURE_AGE_MS) {
    return { ok: false, reason: 'Zendesk signature timestamp is more than 5 minutes off' };
  }
  return { ok: true };
}

/** base64 HMAC-SHA256(secret, timestamp + rawBody): the header value Zendesk sends. */
export function zendeskSignature(
  rawBody: Buffer | string,
  timestamp: string,
  secret: string,
): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}
