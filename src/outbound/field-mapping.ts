import type { FieldMapping, JsonValue, VendorFields } from '../connector-sdk/connector.types';
import type { CanonicalTraits } from '../profiles/canonical/canonical-traits';
import { stableJson } from '../profiles/ingest/stable-json';
import { isEmptyValue } from '../profiles/survivorship/is-empty-value';

/** A connection's mapping laid over its connector's default: same vendor field, override wins. */
export function effectiveMapping(
  connectorDefault: FieldMapping | undefined,
  connectionOverride: FieldMapping | undefined,
): FieldMapping {
  return { ...(connectorDefault ?? {}), ...(connectionOverride ?? {}) };
}

/**
 * The vendor fields a profile maps to. Fields whose canonical value is empty are left out:
 * an empty value never overwrites what the vendor holds, as in survivorship. A part of a
 * whole structured value the profile holds (an address with its street) is the exception: it
 * is null when the value lacks it, because the value is one: a move to an address without a
 * postcode must clear the old address's postcode, not keep it beside the new street.
 */
export function mapTraits(mapping: FieldMapping, traits: CanonicalTraits): VendorFields {
  const fields: VendorFields = {};
  for (const [vendorField, rule] of Object.entries(mapping)) {
    if (rule === null) continue;
    const value = typeof rule === 'string' ? valueAt(traits, rule) : rule.const;
    if (!isEmptyValue(value)) fields[vendorField] = value as JsonValue;
    else if (typeof rule === 'string' && isPartOfWholeValue(traits, rule)) {
      fields[vendorField] = null;
    }
  }
  return fields;
}

/**
 * Per structured trait, the part without which a value is not whole: an address without a
 * street (a CRM holding only the city) is a fragment, and clears nothing a tool holds.
 */
const WHOLE_VALUE_PART: Readonly<Record<string, string>> = { address: 'line1' };

/** True for `trait.part` where the profile holds a whole value of `trait`. */
function isPartOfWholeValue(traits: CanonicalTraits, path: string): boolean {
  const [name, part, ...deeper] = path.split('.');
  const required = WHOLE_VALUE_PART[name];
  if (!required || part === undefined || deeper.length > 0) return false;
  const trait = (traits as Record<string, unknown>)[name];
  return (
    typeof trait === 'object' &&
    trait !== null &&
    !isEmptyValue((trait as Record<string, unknown>)[required])
  );
}

/**
 * The canonical traits a mapping sends, each with the parts of it sent (`address.city` sends
 * one part of `address`) or null for all of it. `custom` is left out: its values are
 * namespaced per connector and never dated apart from their record.
 */
export function mappedTraitParts(mapping: FieldMapping): Map<string, string[] | null> {
  const parts = new Map<string, string[] | null>();
  for (const rule of Object.values(mapping)) {
    if (typeof rule !== 'string') continue;
    const [name, part] = rule.split('.');
    if (name === 'custom') continue;
    const known = parts.get(name);
    if (part === undefined || known === null) parts.set(name, null);
    else parts.set(name, [...new Set([...(known ?? []), part])].sort());
  }
  return parts;
}

/** Fields of `wanted` whose value differs from `held` (compared as canonical JSON). */
export function changedFields(wanted: VendorFields, held: VendorFields): VendorFields {
  const changed: VendorFields = {};
  for (const [field, value] of Object.entries(wanted)) {
    if (!(field in held) || stableJson(held[field]) !== stableJson(value)) changed[field] = value;
  }
  return changed;
}

function valueAt(traits: CanonicalTraits, path: string): unknown {
  let current: unknown = traits;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
