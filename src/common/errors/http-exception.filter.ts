import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [detail: string]: unknown;
}

/**
 * Every error leaves the API as `{statusCode, error, message}` (plus optional details such
 * as `errors: [{field, message}]`). Unexpected errors are logged and answered with a
 * generic 500 so internals and secrets never reach the caller.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.httpStatus,
        error: reason(exception.httpStatus),
        message: exception.message,
        code: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : ((response as { message?: unknown }).message ?? exception.message);
      const extra = typeof response === 'object' && response !== null ? response : {};
      return {
        ...extra,
        statusCode: status,
        error: reason(status),
        message: Array.isArray(message) ? message.join('; ') : String(message),
      };
    }
    const status = statusFromFramework(exception);
    if (status) {
      return { statusCode: status, error: reason(status), message: (exception as Error).message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: reason(500),
      message: 'Internal server error',
    };
  }
}

/** Fastify's own errors (body too large, bad JSON, unsupported media type) carry a 4xx statusCode. */
function statusFromFramework(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
