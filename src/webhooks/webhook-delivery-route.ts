import type { FastifyInstance } from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
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
          { ...requestParts(request), rawBody: request.body as Buffer | undefined },
          publicUrl,
        ),
      ),
    );
  });
}

function requestParts(request: {
  id: string;
  method: string;
  url: string;
  protocol: string;
  host: string;
  headers: Record<string, string | string[] | undefined>;
}) {
  const { id, method, url, protocol, host, headers } = request;
  return { id, method, url, protocol, host, headers };
}

/**
 * The delivery route in the OpenAPI document, which Nest builds from controllers only: the
 * same description a controller's decorators would give.
 */
export function documentWebhookDeliveryRoute(document: OpenAPIObject): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
  });
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.ErrorBody = {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 401 },
      error: { type: 'string', example: 'Unauthorized' },
      message: { type: 'string' },
    },
  };
  document.paths['/webhooks/{connectionId}'] = {
    ...document.paths['/webhooks/{connectionId}'],
    post: {
      tags: ['webhooks'],
      operationId: 'WebhooksController_receive',
      summary: 'Receive a vendor webhook delivery',
      description:
        "Verified with the connector's signature check (and replay window where the vendor signs a " +
        'timestamp), deduplicated on the vendor event id for 25 h, and queued; answered only once ' +
        'queued. Point the vendor at `PUBLIC_URL/webhooks/{connectionId}`. No bearer token: the ' +
        'signature is the authentication.',
      parameters: [
        {
          name: 'connectionId',
          in: 'path',
          required: true,
          schema: { type: 'string', format: 'uuid' },
        },
      ],
      requestBody: {
        required: true,
        content: Object.fromEntries(
          WEBHOOK_MEDIA_TYPES.map((type) => [type, { schema: { type: 'object' } }]),
        ),
      },
      responses: {
        '200': {
          description: 'Queued (or recognised as a replay).',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['received', 'duplicates'],
                properties: {
                  received: {
                    type: 'integer',
                    description:
                      'Events in the delivery that the connector handles (others, e.g. unsubscribed topics, are ignored).',
                    example: 1,
                  },
                  duplicates: {
                    type: 'integer',
                    description:
                      'Events already received within the last 25 h (vendor retries): not queued again.',
                    example: 0,
                  },
                },
              },
            },
          },
        },
        '400': error('Signed, but not a delivery the connector can read.'),
        '401': error('Missing, invalid or expired signature.'),
        '404': error('Unknown or disabled connection.'),
        '413': error('Body larger than 1 MB.'),
        '415': error('Body neither JSON nor form fields.'),
        '503': error('The queue is unavailable; the vendor retries.'),
      },
    },
  };
}
