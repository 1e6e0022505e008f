import type { FieldProblem } from '../common/errors/domain-error';

/** U+0000: PostgreSQL refuses it in `text` and in `jsonb` strings and keys alike. */
const NUL = String.fromCharCode(0);
const REFUSED = 'contains the character U+0000 (NUL), which cannot be stored';

/**
 * Every place in `value` (a name, a config object…) holding a NUL character, named by its path
 * (`config.records[0].email`, as schema errors are). Found before saving, so the admin gets a
 * 400 naming the field instead of the database's refusal as a 500.
 */
export function nulCharacterProblems(value: unknown, field: string): FieldProblem[] {
  if (typeof value === 'string') {
    return value.includes(NUL) ? [{ field, message: REFUSED }] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => nulCharacterProblems(item, `${field}[${index}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(key.includes(NUL) ? [{ field, message: `has a key that ${REFUSED}` }] : []),
    ...nulCharacterProblems(item, `${field}.${key.replaceAll(NUL, '\\u0000')}`),
  ]);
}
