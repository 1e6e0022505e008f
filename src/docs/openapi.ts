import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentWebhookDeliveryRoute } from '../webhooks/webhook-delivery-route.openapi';
import { documentApiErrors } from './api-errors.openapi';

export const DOCS_PATH = 'docs';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Syncline')
    .setDescription(
      'Customer-data connector runtime: connections, syncs, webhooks and the canonical profile store. ' +
        'Every /v1 route needs `Authorization: Bearer <token>`; viewer tokens may only read.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentWebhookDeliveryRoute(document);
  // Defines the ErrorBody schema the webhook route's errors refer to too.
  documentApiErrors(document);
  return document;
}

/** Serves the OpenAPI UI at /docs and the document at /docs-json. */
export function mountApiDocs(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
  return document;
}
