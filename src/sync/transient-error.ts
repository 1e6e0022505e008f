import { isDatabaseUnreachable } from '../queues/database-outage';

/**
 * SQLSTATE classes that say nothing about the data: connection trouble (08), lost races (40),
 * resources (53), operator intervention (57), system errors (58). Retrying the same batch can
 * succeed; anything else is treated as caused by a record in it.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Whether retrying the same work can succeed: the database unreachable (isDatabaseUnreachable),
 * a lost race or a resource limit, or an error without a SQLSTATE that speaks of a connection or
 * a timeout (Redis, say). Not a record's fault.
 */
export function isTransientError(error: unknown): boolean {
  if (isDatabaseUnreachable(error)) return true;
  const code =
    (error as { driverError?: { code?: unknown } }).driverError?.code ??
    (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    return /connection|timeout|terminat/i.test((error as Error).message ?? '');
  }
  return /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}
