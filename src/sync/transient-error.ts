/**
 * SQLSTATE classes that say nothing about the data: connection trouble (08), lost races (40),
 * resources (53), operator intervention (57), system errors (58). Retrying the same batch can
 * succeed; anything else is treated as caused by a record in it.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** Node socket errors: the database or Redis is unreachable, not a record at fault. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export function isTransientError(error: unknown): boolean {
  const code =
    (error as { driverError?: { code?: unknown } }).driverError?.code ??
    (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    // No SQLSTATE: a dropped connection (pg "Connection terminated") or a timeout.
    return /connection|timeout|terminat/i.test((error as Error).message ?? '');
  }
  if (NETWORK_CODES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}
