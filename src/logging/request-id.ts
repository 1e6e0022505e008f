import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request's id: a proxy's `X-Request-Id` when it looks like one, else a fresh UUID. Used
 * by Fastify (which assigns `request.id`, the id every log line and job carries), so ids are
 * unique across processes rather than Fastify's per-process `req-N` counter.
 */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}
