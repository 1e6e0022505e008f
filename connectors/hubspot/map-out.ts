import type { JsonValue, VendorFields } from '../../src/connector-sdk';
import { READ_ONLY_PROPERTIES } from './properties';

export interface MapOutOptions {
  /** The mapped fields to send; default every key of `fields`. */
  keys?: Iterable<string>;
  /**
   * True for an update of a known contact: an empty value clears HubSpot's ("" is HubSpot's
   * documented way), except the email, which is never cleared: it is what HubSpot (and the
   * next upsert) knows the person by, and a profile that lost its email here (a split, its
   * source deleted) has not made the contact lose theirs. False for an upsert that may land
   * on an existing contact: empty values are left out, so a blind upsert never wipes what
   * HubSpot holds.
   */
  clear: boolean;
}

const EMAIL_PROPERTY = 'email';

/**
 * Mapped vendor fields → HubSpot contact `properties`. HubSpot property values are strings:
 * numbers and booleans are sent as their text, a list as HubSpot's multi-select format
 * (`a;b`). Read-only properties are never sent. The vendor field is the property's internal
 * name (`firstname`), so no nesting applies.
 */
export function mapOut(fields: VendorFields, options: MapOutOptions): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const key of options.keys ?? Object.keys(fields)) {
    if (READ_ONLY_PROPERTIES.has(key) || !(key in fields)) continue;
    const value = propertyValue(fields[key]);
    if (value === undefined) {
      if (options.clear && key !== EMAIL_PROPERTY) properties[key] = '';
      continue;
    }
    properties[key] = value;
  }
  return properties;
}

/** HubSpot's text for a value; undefined when it is empty. */
export function propertyValue(value: JsonValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(propertyValue).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join(';') : undefined;
  }
  return Object.keys(value).length > 0 ? JSON.stringify(value) : undefined;
}
