import { timingSafeEqual } from 'node:crypto';

/** A request header by name, whatever the casing the HTTP layer kept. */
export function webhookHeader(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // Node lower-cases incoming header names, so this is the answer on the hot path; the scan
  // (which allocates) is for hand-built requests.
  if (Object.prototype.hasOwnProperty.call(headers, wanted)) return headers[wanted];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Compares a presented signature with the expected one in constant time. Lengths are checked
 * first because `timingSafeEqual` throws on a mismatch, and a digest's length is no secret.
 */
export function signaturesMatch(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
