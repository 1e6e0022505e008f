import { createHmac } from 'node:crypto';
import {
  signaturesMatch,
  webhookHeader,
  type WebhookRequest,
  type WebhookVerification,
} from '../../src/connector-sdk';
import type { ShopifyConfig, ShopifyCredentials } from './types';

/**
 * Shopify signs the raw body with HMAC-SHA256 keyed by the app's client secret and sends it
 * base64-encoded in `X-Shopify-Hmac-Sha256`. There is no timestamp, so no replay window:
 * replays are caught by deduplicating on `X-Shopify-Webhook-Id`.
 */
export function verifyShopifyWebhook(
  request: WebhookRequest,
  ctx: { config: ShopifyConfig; credentials: ShopifyCredentials },
): WebhookVerification {
  const secret = ctx.credentials.clientSecret;
  if (!secret) return { ok: false, reason: 'No client secret configured for this connection' };
  const signature = webhookHeader(request.headers, 'x-shopify-hmac-sha256');
  if (!signature) return { ok: false, reason: 'Missing X-Shopify-Hmac-Sha256 header' };
  if (!webhookHeader(request.headers, 'x-shopify-topic')) {
    return { ok: false, reason: 'Missing X-Shopify-Topic header' };
  }
  const expected = createHmac('sha256', secret).update(request.rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  if (!signaturesMatch(given, expected)) {
    return { ok: false, reason: 'Invalid X-Shopify-Hmac-Sha256 signature' };
  }
  return { ok: true };
}

/** The header value Shopify would send for `rawBody` (tests and emulators sign with it). */
export function shopifySignature(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
