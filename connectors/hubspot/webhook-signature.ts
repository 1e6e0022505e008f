import { createHash, createHmac } from 'node:crypto';
import {
  signaturesMatch,
  webhookHeader,
  type WebhookRequest,
  type WebhookVerification,
} from '../../src/connector-sdk';
import type { HubspotConfig, HubspotCredentials } from './types';

/** HubSpot rejects v3 requests whose timestamp is older than this; so do we (replays). */
export const HUBSPOT_MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

/** The escapes HubSpot decodes in the URI before hashing for v3, and only these. */
const V3_DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const V3_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * HubSpot sends v3 (`X-HubSpot-Signature-v3`, timestamped HMAC) alongside the legacy header;
 * v3 is preferred because it covers the method, URL and a timestamp. v1 remains for apps whose
 * CRM object subscriptions still sign only with it.
 */
export function verifyHubspotWebhook(
  request: WebhookRequest,
  ctx: { config: HubspotConfig; credentials: HubspotCredentials },
): WebhookVerification {
  const secret = ctx.credentials.clientSecret;
  if (!secret) return { ok: false, reason: 'No client secret configured for this connection' };
  const v3 = webhookHeader(request.headers, 'x-hubspot-signature-v3');
  if (v3) return verifyV3(request, secret, v3);
  const legacy = webhookHeader(request.headers, 'x-hubspot-signature');
  if (!legacy) return { ok: false, reason: 'Missing X-HubSpot-Signature-v3 header' };
  const version = (
    webhookHeader(request.headers, 'x-hubspot-signature-version') ?? ''
  ).toLowerCase();
  if (version !== 'v1') {
    return { ok: false, reason: `Unsupported HubSpot signature version "${version}"` };
  }
  const expected = hubspotSignatureV1(request.rawBody, secret);
  return signaturesMatch(Buffer.from(legacy.trim(), 'utf8'), Buffer.from(expected, 'utf8'))
    ? { ok: true }
    : { ok: false, reason: 'Invalid X-HubSpot-Signature (v1)' };
}

function verifyV3(request: WebhookRequest, secret: string, signature: string): WebhookVerification {
  const timestampHeader = webhookHeader(request.headers, 'x-hubspot-request-timestamp');
  if (!timestampHeader) return { ok: false, reason: 'Missing X-HubSpot-Request-Timestamp header' };
  const timestamp = Number(timestampHeader);
  if (!Number.isFinite(timestamp)) {
    return { ok: false, reason: 'X-HubSpot-Request-Timestamp is not a number' };
  }
  if (request.receivedAt - timestamp > HUBSPOT_MAX_SIGNATURE_AGE_MS) {
    return { ok: false, reason: 'HubSpot request timestamp is older than 5 minutes' };
  }
  const expected = hubspotSignatureV3(
    {
      method: request.method,
      url: request.url,
      rawBody: request.rawBody,
      timestamp: timestampHeader,
    },
    secret,
  );
  return signaturesMatch(Buffer.from(signature.trim(), 'base64'), Buffer.from(expected, 'base64'))
    ? { ok: true }
    : { ok: false, reason: 'Invalid X-HubSpot-Signature-v3' };
}

/** base64 HMAC-SHA256(secret, method + decodedUri + rawBody + timestamp). */
export function hubspotSignatureV3(
  input: { method: string; url: string; rawBody: Buffer | string; timestamp: string | number },
  secret: string,
): string {
  const uri = input.url.replace(V3_ESCAPES, (escape) => V3_DECODED[escape.toUpperCase()]);
  return createHmac('sha256', secret)
    .update(input.method.toUpperCase())
    .update(uri)
    .update(input.rawBody)
    .update(String(input.timestamp))
    .digest('base64');
}

/** hex SHA-256(secret + rawBody): a plain hash, not an HMAC. */
export function hubspotSignatureV1(rawBody: Buffer | string, secret: string): string {
  return createHash('sha256').update(secret).update(rawBody).digest('hex');
}
