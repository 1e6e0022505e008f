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
 * The canonical traits (top-level names) a mapping sends. `custom` is left out: its values are
 * namespaced per connector and never dated apart from their record.
 */
export function mappedTraitNames(mapping: FieldMapping): string[] {
  const names = new Set<string>();
  for (const rule of Object.values(mapping)) {
    if (typeof rule === 'string') names.add(rule.split('.')[0]);
  }
  names.delete('custom');
  return [...names];
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
