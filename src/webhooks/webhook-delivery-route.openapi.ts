import type { OpenAPIObject } from '@nestjs/swagger';
import { WEBHOOK_MEDIA_TYPES } from './webhook-receiver.service';

/**
 * The delivery route in the OpenAPI document, which Nest builds from controllers only: the
 * same description a controller's decorators would give. Its errors refer to the `ErrorBody`
 * schema that documentApiErrors defines for every route.
 */
export function documentWebhookDeliveryRoute(document: OpenAPIObject): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
  });
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
