import type { FieldProblem } from '../errors/domain-error';

/** U+0000: PostgreSQL refuses it in `text` and in `jsonb` strings and keys alike. */
const NUL = String.fromCharCode(0);
/**
 * A UTF-16 surrogate without its other half: no Unicode character. `jsonb` refuses its `\uD800`
 * escape (a 500 when nothing named it), and a `text` column silently stores U+FFFD instead.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as given, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes(NUL)) return 'contains the character U+0000 (NUL), which cannot be stored';
  if (UNPAIRED_SURROGATE.test(text)) {
    return 'contains an unpaired UTF-16 surrogate (invalid Unicode), which cannot be stored';
  }
  return undefined;
}

/**
 * Every place in `value` (a name, a config object…) holding text PostgreSQL would refuse or
 * alter, named by its path (`config.records[0].email`, as schema errors are). Found before
 * saving, so the admin gets a 400 naming the field instead of the database's refusal as a 500.
 */
export function unstorableTextProblems(value: unknown, field: string): FieldProblem[] {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? [{ field, message: reason }] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => unstorableTextProblems(item, `${field}[${index}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const keyReason = unstorableReason(key);
    return [
      ...(keyReason ? [{ field, message: `has a key that ${keyReason}` }] : []),
      ...unstorableTextProblems(item, `${field}.${printableKey(key)}`),
    ];
  });
}

/** A key as it can be shown in a field path (and stored in a log line). */
function printableKey(key: string): string {
  return key
    .replaceAll(NUL, '\\u0000')
    .replace(
      new RegExp(UNPAIRED_SURROGATE.source, 'g'),
      (unit) => `\\u${unit.charCodeAt(0).toString(16)}`,
    );
}
