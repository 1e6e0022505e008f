import { CanonicalTraits } from '../canonical/canonical-traits';
import {
  canonicalCountry,
  canonicalEmailConsent,
  canonicalLocale,
  canonicalTimeZone,
} from '../canonical/canonical-values';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import { smallSort, sortedKeys } from './small-sort';

/**
 * Cleans a record's traits before they are stored: strings trimmed (blank → null), email
 * lower-cased when valid, phone in E.164 when parseable, tags as a set (blank and repeated ones
 * dropped, in a fixed order). Invalid emails and phones are kept as typed — they are still facts
 * about the person, just not identifiers. Traits whose format the model fixes (country,
 * emailConsent, locale, timezone, the shapes of tags and custom) are put in canonical form, or
 * left out when they are not in it: "the vendor says nothing we can use", so they neither win
 * over a valid value from another tool nor reach a destination that would refuse the profile.
 */
export function normalizeTraits(
  traits: CanonicalTraits,
  defaultPhoneRegion: string,
  /** Already-normalized values, when the caller parsed them (phone parsing is the costly part). */
  parsed: { email?: string; phone?: string } = {},
): CanonicalTraits {
  const result = cleanValue(traits) as CanonicalTraits;
  if (typeof result.email === 'string') {
    result.email = parsed.email ?? normalizeEmail(result.email) ?? result.email;
  }
  if (typeof result.phone === 'string') {
    result.phone = parsed.phone ?? normalizePhone(result.phone, defaultPhoneRegion) ?? result.phone;
  }
  if (isRecord(result.address) && result.address.country != null) {
    const country = canonical(result.address.country, canonicalCountry);
    if (country === undefined) delete result.address.country;
    else result.address.country = country;
  }
  setCanonical(result, 'emailConsent', canonicalEmailConsent);
  setCanonical(result, 'locale', canonicalLocale);
  setCanonical(result, 'timezone', canonicalTimeZone);
  if (Array.isArray(result.tags)) result.tags = tagSet(result.tags);
  else if (result.tags != null) delete result.tags;
  if (result.custom != null) result.custom = customNamespaces(result.custom);
  if (result.custom === undefined) delete result.custom;
  return result;
}

type TextTrait = 'emailConsent' | 'locale' | 'timezone';

/** Replaces a non-empty text trait with its canonical form, or leaves it out. */
function setCanonical(
  traits: CanonicalTraits,
  name: TextTrait,
  toCanonical: (value: string) => string | undefined,
): void {
  const value = traits[name];
  if (value == null) return;
  const form = canonical(value, toCanonical);
  if (form === undefined) delete traits[name];
  else (traits as Record<TextTrait, string>)[name] = form;
}

function canonical(
  value: unknown,
  toCanonical: (value: string) => string | undefined,
): string | undefined {
  return typeof value === 'string' ? toCanonical(value) : undefined;
}

/**
 * `custom` is `{namespace: {key: value}}`: a namespace that is not an object (or null) would be
 * spread character by character by survivorship, so it is left out.
 */
function customNamespaces(custom: unknown): CanonicalTraits['custom'] | undefined {
  if (!isRecord(custom)) return undefined;
  // for…in rather than Object.keys: no array per record (cleanValue built it, no inherited keys).
  for (const namespace in custom) {
    const values = custom[namespace];
    if (values !== null && !isRecord(values)) delete custom[namespace];
  }
  return custom as CanonicalTraits['custom'];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every tool treats tags as a set but lists them in its own order (Shopify as typed, Mailchimp
 * by when each was added). Kept as given, the same tags from two tools would differ, and the
 * outbound diff would rewrite a destination's tags only to reorder them.
 */
function tagSet(tags: unknown[]): string[] {
  const unique = new Set<string>();
  for (const tag of tags) if (typeof tag === 'string') unique.add(tag);
  return smallSort([...unique]);
}

// Runs on every value of every record ingested: plain loops, no intermediate entry arrays.
function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Keys in sorted order: the content hash (stableJson) then serialises natively.
    for (const key of sortedKeys(record)) {
      const inner = record[key];
      // A `__proto__` key (JSON.parse makes it an own key) assigned here would become the
      // object's prototype: its values silently inherited, e.g. an `email` trait then written
      // as the person's own. No canonical or vendor field is called that: it is dropped.
      if (inner !== undefined && key !== '__proto__') out[key] = cleanValue(inner);
    }
    return out;
  }
  return value;
}
