/** U+0000: PostgreSQL refuses it in `jsonb` (as `\u0000`) and in `text`. */
const NUL = String.fromCharCode(0);
/** What a NUL is kept as: the replacement character, visible to whoever reads the payload. */
const REPLACEMENT = '\uFFFD';

/**
 * The payload as a dead letter can hold it: every NUL in its strings and keys becomes U+FFFD.
 * A vendor record carrying one must still land in the dead letters; refused by the database,
 * it would fail the sync that met it and block every dead letter swept after it.
 */
export function storablePayload(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storablePayload);
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return storablePayload((value as { toJSON(): unknown }).toJSON());
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [storableText(key), storablePayload(entry)]),
    );
  }
  return value;
}

export function storableText(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, REPLACEMENT) : text;
}
