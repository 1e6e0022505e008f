import { getQueueToken } from '@nestjs/bullmq';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { Logger, PinoLogger } from 'nestjs-pino';
import { isAdminRequest } from '../auth/admin-request-auth';
import { TokensService } from '../auth/tokens.service';
import { HttpExceptionFilter } from '../common/errors/http-exception.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { AppConfig } from '../config/app-config';
import { mountApiDocs } from '../docs/openapi';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-id';
import { registerHttpMetrics } from '../metrics/http-metrics.hook';
import { MetricsService } from '../metrics/metrics.service';
import { mountQueueBoard } from '../queues/board/queue-board';
import { ALL_QUEUES } from '../queues/queue-names';
import { registerWebhookAccessLog } from '../webhooks/webhook-access-log';
import {
  registerWebhookDeliveryRoute,
  WEBHOOK_BODY_LIMIT_BYTES,
} from '../webhooks/webhook-delivery-route';
import { WebhookReceiver } from '../webhooks/webhook-receiver.service';
import { AppModule } from './app.module';

/**
 * Builds the HTTP application (role `api`, or `all` with the workers in-process), fully
 * initialised but not yet listening. Used by `main.ts`, the demo and the end-to-end tests,
 * so tests exercise exactly what production runs.
 */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRole(config),
    new FastifyAdapter({
      bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
      trustProxy: true,
      genReqId: requestIdOf,
    }),
    // Webhook deliveries keep their raw bytes in their own route (registerWebhookDeliveryRoute).
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  registerHttpMetrics(fastify, app.get(MetricsService).httpDuration);
  registerWebhookAccessLog(fastify, () => PinoLogger.root);
  const webhookLogger = new NestLogger('WebhookDeliveryRoute');
  await registerWebhookDeliveryRoute(fastify, {
    receiver: app.get(WebhookReceiver),
    publicUrl: config.publicUrl,
    logError: (error) => webhookLogger.error(error),
  });
  const tokens = app.get(TokensService);
  await mountQueueBoard(
    fastify,
    ALL_QUEUES.map((name) => app.get<Queue>(getQueueToken(name))),
    (authorization) => isAdminRequest(tokens, authorization),
  );
  mountApiDocs(app);
  await app.init();
  return app;
}
