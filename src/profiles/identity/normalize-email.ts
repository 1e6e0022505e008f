/**
 * Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces. Full RFC
 * 5322 is neither needed nor wanted here; the goal is to keep obvious junk ("n/a", "none",
 * "john at acme") from linking profiles.
 */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** Trimmed and lower-cased, or undefined when it is not a usable email address. */
export function normalizeEmail(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) return undefined;
  return email;
}
