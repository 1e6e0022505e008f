import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { installPhonePatternCache } from './phone-pattern-cache';

installPhonePatternCache();

/**
 * E.164 (`+14155550123`), or undefined when the number cannot be parsed. National numbers
 * (no `+`) are read in `defaultRegion`. Validity is checked with the full metadata so a
 * typo'd number does not link two people.
 */
export function normalizePhone(input: unknown, defaultRegion: string): string | undefined {
  if (typeof input !== 'string' || input.trim() === '') return undefined;
  try {
    const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion as CountryCode);
    if (!parsed || !parsed.isValid()) return undefined;
    return parsed.number;
  } catch {
    return undefined;
  }
}
