import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookRequest } from '../connector-sdk/connector.types';

/** What the receiver needs from the HTTP layer, independent of Fastify. */
export interface InboundWebhook extends WebhookRequest {
  /** The media type of the body (`application/json`), lower-cased, without parameters. */
  mediaType: string | undefined;
  /** The request id, used as the delivery id on the jobs and in the access log. */
  requestId: string;
}

/** The parts of a Fastify request that make a webhook delivery. */
export interface HttpRequestParts {
  id: string;
  method: string;
  /** Path and query exactly as received. */
  url: string;
  /** Scheme and host as the client saw them (trustProxy: from X-Forwarded-* behind a proxy). */
  protocol: string;
  host: string;
  headers: IncomingHttpHeaders;
  rawBody?: Buffer;
}

/**
 * The URL a vendor signed (HubSpot v3 covers it): `PUBLIC_URL` + path when configured, since a
 * proxy in front may rewrite scheme, host or prefix; otherwise the URL as received.
 */
export function signatureUrl(publicUrl: string | undefined, request: HttpRequestParts): string {
  if (publicUrl) return `${publicUrl}${request.url}`;
  return `${request.protocol}://${request.host}${request.url}`;
}

export function toInboundWebhook(
  request: HttpRequestParts,
  publicUrl: string | undefined,
  receivedAt = Date.now(),
): InboundWebhook {
  const headers: Record<string, string> = {};
  for (const name in request.headers) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const contentType = headers['content-type'];
  return {
    method: request.method,
    url: signatureUrl(publicUrl, request),
    headers,
    rawBody: request.rawBody ?? Buffer.alloc(0),
    receivedAt,
    mediaType: contentType?.split(';', 1)[0].trim().toLowerCase() || undefined,
    requestId: request.id,
  };
}
