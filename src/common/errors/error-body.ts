import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [detail: string]: unknown;
}

/**
 * The `{statusCode, error, message}` body (plus optional details such as
 * `errors: [{field, message}]`) every error leaves the HTTP API as. Unexpected errors become a
 * generic 500, so internals and secrets never reach the caller.
 */
export function toErrorBody(exception: unknown): ErrorBody {
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
  if (isUnstorableText(exception)) {
    return {
      statusCode: HttpStatus.BAD_REQUEST,
      error: reason(400),
      message:
        'A value contains a character that cannot be stored (U+0000 NUL, or invalid Unicode): remove it',
      code: 'INVALID_INPUT',
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

/**
 * PostgreSQL codes for text it refuses to store: 22P05 (`\u0000` in jsonb), 22021 (NUL in
 * text), and 22P02 when jsonb refuses a JSON string (an unpaired surrogate such as `\ud800`;
 * other 22P02s, a bad uuid or number, are our bugs and stay 500s). Only request input carries
 * such characters, so a route that did not name the field itself still answers 400, not 500.
 */
const UNSTORABLE_TEXT_CODES = new Set(['22P05', '22021']);
const INVALID_TEXT_REPRESENTATION = '22P02';

function isUnstorableText(exception: unknown): boolean {
  if (!(exception instanceof QueryFailedError)) return false;
  const driverError = exception.driverError as { code?: unknown; message?: unknown } | undefined;
  const code = driverError?.code;
  if (typeof code !== 'string') return false;
  if (UNSTORABLE_TEXT_CODES.has(code)) return true;
  return (
    code === INVALID_TEXT_REPRESENTATION &&
    typeof driverError?.message === 'string' &&
    /type jsonb?\b/.test(driverError.message)
  );
}

/** Fastify's own errors (body too large, bad JSON, unsupported media type) carry a 4xx statusCode. */
function statusFromFramework(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
