/** Zendesk's error answers, with its own bodies. */
import type { EmulatorResponse } from '../common';

export type FieldError = { description: string; error: string };

export function unauthorised(): EmulatorResponse {
  return { status: 401, body: { error: "Couldn't authenticate you" } };
}

export function forbidden(): EmulatorResponse {
  return {
    status: 403,
    body: {
      error: 'Forbidden',
      description:
        'You do not have access to this page. Please contact the account owner of this help desk for further help.',
    },
  };
}

export function recordNotFound(): EmulatorResponse {
  return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
}

export function invalidEndpoint(): EmulatorResponse {
  return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
}

export function invalidValue(description: string): EmulatorResponse {
  return { status: 400, body: { error: 'InvalidValue', description } };
}

/** 422 `RecordInvalid` with per-field details, e.g. `{email: [{description, error}]}`. */
export function recordInvalid(details: Record<string, FieldError[]>): EmulatorResponse {
  return {
    status: 422,
    body: { error: 'RecordInvalid', description: 'Record validation errors', details },
  };
}

/** Zendesk answers 429 in plain text, with `Retry-After` in seconds. */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status: 429,
    headers: {
      ...headers,
      'retry-after': String(retryAfterSeconds),
      'content-type': 'text/plain; charset=utf-8',
    },
    body: message,
  };
}
