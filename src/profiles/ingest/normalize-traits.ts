import { CanonicalTraits } from '../canonical/canonical-traits';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import { smallSort, sortedKeys } from './small-sort';

/**
 * Cleans a record's traits before they are stored: strings trimmed (blank → null), email
 * lower-cased when valid, phone in E.164 when parseable, country upper-cased, tags as a set
 * (blank and repeated ones dropped, in a fixed order). Invalid emails and phones are kept as
 * typed — they are still facts about the person, just not identifiers.
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
  if (result.address && typeof result.address.country === 'string') {
    result.address = { ...result.address, country: result.address.country.toUpperCase() };
  }
  if (Array.isArray(result.tags)) result.tags = tagSet(result.tags);
  return result;
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
      if (inner !== undefined) out[key] = cleanValue(inner);
    }
    return out;
  }
  return value;
}
