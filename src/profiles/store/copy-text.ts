/**
 * Values in PostgreSQL's COPY text format: columns separated by tabs, rows by newlines, `\N`
 * for null, and backslash, tab, newline and carriage return escaped with a backslash.
 */
const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text column (any string: vendor ids can hold tabs or backslashes). */
export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return COPY_NULL;
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** A json/jsonb column. JSON.stringify escapes control characters itself, so only `\` remains. */
export function copyJson(value: unknown): string {
  if (value === null || value === undefined) return COPY_NULL;
  const json = JSON.stringify(value);
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}
