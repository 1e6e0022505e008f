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
 * an empty value never overwrites what the vendor holds, as in survivorship.
 */
export function mapTraits(mapping: FieldMapping, traits: CanonicalTraits): VendorFields {
  const fields: VendorFields = {};
  for (const [vendorField, rule] of Object.entries(mapping)) {
    if (rule === null) continue;
    const value = typeof rule === 'string' ? valueAt(traits, rule) : rule.const;
    if (!isEmptyValue(value)) fields[vendorField] = value as JsonValue;
  }
  return fields;
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
