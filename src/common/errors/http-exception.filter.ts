import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorBody } from './error-body';

/**
 * Every error leaves the API as `{statusCode, error, message}` (see `toErrorBody`).
 * Unexpected errors are logged and answered with a generic 500. A 503 is no bug: a dependency
 * is down (a readiness probe during an outage answers it every few seconds), so it is logged
 * as a warning with its message, not as an error with a stack trace.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.warn({ statusCode: body.statusCode, message: body.message }, 'answered 503');
    } else if (body.statusCode >= 500) {
      this.logger.error(exception);
    }
    void reply.status(body.statusCode).send(body);
  }
}
