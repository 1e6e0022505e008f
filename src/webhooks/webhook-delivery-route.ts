import type { FastifyInstance } from 'fastify';
import { toErrorBody } from '../common/errors/error-body';
import { toInboundWebhook } from './inbound-webhook';
import { WEBHOOK_MEDIA_TYPES, WebhookReceiver } from './webhook-receiver.service';

/** Deliveries larger than this are refused with 413 (Shopify's and HubSpot's are far smaller). */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

const DELIVERY_PATH = '/webhooks/:connectionId';

export interface WebhookDeliveryRouteOptions {
  receiver: WebhookReceiver;
  publicUrl: string | undefined;
  /** Where unexpected (5xx) failures are logged. */
  logError(error: unknown): void;
}

/**
 * `POST /webhooks/:connectionId`, registered on Fastify directly rather than through a Nest
 * controller. It is the one route vendors drive at thousands of requests per second, and it
 * needs none of what Nest adds per request: no bearer token (the signature is the
 * authentication), no DTO to validate, and no parsed body (signatures cover the raw bytes, and
 * the connector parses them itself). In its own plugin scope the body is kept as raw bytes,
 * only for the media types vendors use (others get 415); errors get the API's usual
 * `{statusCode, error, message}` body. Measured: about 15 % more deliveries per second than
 * the same receiver behind a Nest controller (docs/benchmarks.md, webhooks). `GET` (vendor URL
 * checks) stays on `WebhooksController`.
 */
export async function registerWebhookDeliveryRoute(
  fastify: FastifyInstance,
  { receiver, publicUrl, logError }: WebhookDeliveryRouteOptions,
): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      WEBHOOK_MEDIA_TYPES,
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error, _request, reply) => {
      const body = toErrorBody(error);
      if (body.statusCode >= 500) logError(error);
      void reply.status(body.statusCode).send(body);
    });
    scope.post<{ Params: { connectionId: string } }>(DELIVERY_PATH, (request) =>
      receiver.receive(
        request.params.connectionId,
        toInboundWebhook(
          {
            id: request.id,
            method: request.method,
            url: request.url,
            protocol: request.protocol,
            host: request.host,
            headers: request.headers,
            rawBody: request.body as Buffer | undefined,
          },
          publicUrl,
        ),
      ),
    );
  });
}
