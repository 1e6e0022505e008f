import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Where vendors post deliveries (`/webhooks/:connectionId`). */
export const WEBHOOK_PATH_PREFIX = '/webhooks/';
/** The same routes as a Nest middleware route pattern, for excluding the generic request logger. */
export const WEBHOOK_ROUTE_PATTERN = 'webhooks/*path';

/**
 * One log line per answered webhook delivery: request id (the `deliveryId` on its jobs),
 * path, status and time; a refused delivery (401, 404, 413, 415) at `warn`, a 5xx at `error`.
 *
 * The generic request logger (pino-http) is switched off for these routes: it builds a child
 * logger and serialises the request for every request, even when its line is below the log
 * level, which was a third of the receiver's CPU at thousands of deliveries per second
 * (docs/benchmarks.md, webhooks). This hook does work only when its line will be written.
 * `loggerOf` gives the application's root logger, which exists once the app is initialised.
 */
export function registerWebhookAccessLog(
  fastify: FastifyInstance,
  loggerOf: () => Logger | undefined,
): void {
  let root: Logger | undefined;
  let accessLogger: Logger | undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    const current = loggerOf();
    if (current !== root) {
      root = current;
      // The line's fields are fixed and hold no secret (the path is logged without its
      // query), so it skips the redaction paths, which cost ~10 µs a line, nearly all of its
      // cost: at thousands of deliveries per second that is a tenth of the receiver's CPU.
      accessLogger = current?.child({}, { redact: [] });
    }
    const logger = accessLogger;
    if (logger && request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
      const statusCode = reply.statusCode;
      const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level](
          {
            requestId: request.id,
            method: request.method,
            // Query strings can carry tokens (Mailchimp's webhook URL): the path only.
            path: request.url.split('?', 1)[0],
            statusCode,
            responseTimeMs: Math.round(reply.elapsedTime),
          },
          'webhook delivery answered',
        );
      }
    }
    done();
  });
}
