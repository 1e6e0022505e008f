import { setPath, type JsonValue, type VendorFields } from '../../src/connector-sdk';

/** Pseudo-fields of the mapping: Zendesk has one `name`, composed from these. */
export const FIRST_NAME_FIELD = 'first_name';
export const LAST_NAME_FIELD = 'last_name';
const NAME_FIELDS = new Set(['name', FIRST_NAME_FIELD, LAST_NAME_FIELD]);
/** Set by the connector itself (the profile id), never by a mapping. */
const RESERVED_FIELDS = new Set(['id', 'external_id']);

export type ZendeskUserBody = { [key: string]: JsonValue };

export interface MapOutOptions {
  /** The mapped fields to send; default every key of `fields`. */
  keys?: Iterable<string>;
  /**
   * True when the user is known (an update by id): an empty value clears Zendesk's. False
   * for an upsert that may land on an existing user: empty values are left out, so a blind
   * upsert never wipes what Zendesk holds.
   */
  clear: boolean;
}

/**
 * Mapped vendor fields (dot paths) → the `user` object of a Zendesk request body.
 *
 * - `first_name` / `last_name` become `name` ("Ann Lee"); a mapped `name` wins over them. The
 *   name is sent whenever any of the three is sent, composed from `fields` (a change of the
 *   last name alone still needs the first). Zendesk refuses a blank name, so one that
 *   composes to nothing is left out.
 * - `user_fields.company` → `{user_fields: {company}}`; any dot path nests the same way.
 * - Clearing: `phone` is cleared with "" (Zendesk's documented way), the primary `email`
 *   cannot be cleared through a user update and is left out, anything else is sent as null.
 */
export function mapOut(fields: VendorFields, options: MapOutOptions): ZendeskUserBody {
  const body: ZendeskUserBody = {};
  let sendName = false;
  for (const key of options.keys ?? Object.keys(fields)) {
    if (RESERVED_FIELDS.has(key)) continue;
    if (NAME_FIELDS.has(key)) {
      sendName = true;
      continue;
    }
    if (!(key in fields)) continue;
    const value = fields[key];
    if (isEmpty(value)) {
      if (!options.clear || key === 'email') continue;
      setPath(body, key, key === 'phone' ? '' : null);
      continue;
    }
    setPath(body, key, value);
  }
  if (sendName) {
    const name = composeName(fields);
    if (name) body.name = name;
  }
  return body;
}

/** A mapped `name` wins; otherwise first and last name joined by a space. */
export function composeName(fields: VendorFields): string | undefined {
  const explicit = text(fields.name);
  if (explicit) return explicit;
  const parts = [text(fields[FIRST_NAME_FIELD]), text(fields[LAST_NAME_FIELD])].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function text(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  return value.trim() || undefined;
}

function isEmpty(value: JsonValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}
