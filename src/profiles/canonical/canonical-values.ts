import { EMAIL_CONSENT_STATES, EmailConsent } from './canonical-traits';

/**
 * Checks of the canonical traits whose format the model fixes (see canonical-traits.ts). The
 * store applies them to every record, whichever connector mapped it: a value a destination
 * cannot take ("UNITED STATES" as a country code, a made-up time zone) would otherwise win
 * survivorship and make every later push of the profile fail at that destination. Each
 * returns the canonical form, or undefined when the value is not one (the raw payload keeps it).
 * Plain functions without a framework import: connectors may use them too.
 */

/**
 * ISO-3166 alpha-2, upper case: `gb` → `GB`, and `uk` (which people and tools write, but ISO
 * only reserves) → `GB`; undefined for anything else.
 */
export function canonicalCountry(value: string): string | undefined {
  // Checked by character codes: this runs for every address ingested, mostly already canonical.
  const code = isUpperPair(value) ? value : value.trim().toUpperCase();
  if (!isUpperPair(code)) return undefined;
  return code === 'UK' ? 'GB' : code;
}

function isUpperPair(text: string): boolean {
  return (
    text.length === 2 && isUpperLetter(text.charCodeAt(0)) && isUpperLetter(text.charCodeAt(1))
  );
}

function isUpperLetter(code: number): boolean {
  return code >= 65 && code <= 90;
}

const CONSENT_STATES: ReadonlySet<string> = new Set(EMAIL_CONSENT_STATES);

/** One of EMAIL_CONSENT_STATES, in any case; undefined for anything else. */
export function canonicalEmailConsent(value: string): EmailConsent | undefined {
  if (CONSENT_STATES.has(value)) return value as EmailConsent; // as connectors map it: no copy
  const state = value.trim().toLowerCase();
  return CONSENT_STATES.has(state) ? (state as EmailConsent) : undefined;
}

/**
 * Few distinct locales and zones exist, and ICU's checks cost microseconds: answers are kept
 * per input text, up to this many, so the ingest path pays once per distinct value.
 */
const MAX_CACHED_ANSWERS = 2_000;

function cached(
  compute: (value: string) => string | undefined,
): (value: string) => string | undefined {
  const answers = new Map<string, string | null>();
  return (value) => {
    const held = answers.get(value);
    if (held !== undefined) return held ?? undefined;
    const answer = compute(value);
    if (answers.size < MAX_CACHED_ANSWERS) answers.set(value, answer ?? null);
    return answer;
  };
}

/**
 * A BCP 47 tag, `_` written as `-` (`en_GB` → `en-GB`); undefined when not a tag. The case is
 * kept as the tool wrote it: re-casing would change the stored value of records already held
 * and make their next delivery a change.
 */
export const canonicalLocale = cached((value) => {
  const tag = value.trim().replace(/_/g, '-');
  try {
    Intl.getCanonicalLocales(tag);
    return tag;
  } catch {
    return undefined;
  }
});

/**
 * An IANA time zone ICU knows (`Europe/Paris`, `UTC`, the `US/Pacific` kind of alias), kept as
 * written; undefined for anything else (`Mars/Base`, `+01:00`, Rails names).
 */
export const canonicalTimeZone = cached((value) => {
  const zone = value.trim();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
});
