import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDACTED_PATHS } from './redaction';
import { WEBHOOK_ROUTE_PATTERN } from '../webhooks/webhook-access-log';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/**
 * Structured JSON logs. Every HTTP log line carries the request id (taken from
 * `X-Request-Id` when a proxy set one, echoed back in the response); job lines carry the
 * job id (see `runWithJobLogger`). Secret fields are redacted before they are written.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // No request logger (and no request-scoped log context) for: webhook deliveries, which
        // have their own lean access line (registerWebhookAccessLog); health probes and metric
        // scrapes, which come every few seconds and say nothing a log line would. The context
        // is an AsyncLocalStorage, and once one is in use every promise in the process pays
        // for it (~10 % of a webhook's CPU): a process that only takes deliveries never does.
        exclude: [
          { method: RequestMethod.ALL, path: WEBHOOK_ROUTE_PATTERN },
          { method: RequestMethod.ALL, path: 'health/*path' },
          { method: RequestMethod.ALL, path: 'metrics' },
        ],
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          base: { service: 'syncline', role: config.role },
          // Fastify normally assigns the id first (see create-api-app.ts); this covers the rest.
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const id = requestIdOf(req);
            res.setHeader(REQUEST_ID_HEADER, id);
            return id;
          },
          customProps: (req: IncomingMessage) => ({ requestId: (req as { id?: unknown }).id }),
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              // Query strings can carry tokens (Mailchimp webhook URLs): log the path only.
              path: req.url?.split('?')[0],
            }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
