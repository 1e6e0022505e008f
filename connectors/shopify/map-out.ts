import { setPath, type JsonValue, type VendorFields } from '../../src/connector-sdk';

/** Mapped fields under this prefix are the default address's, written through its own resource. */
export const ADDRESS_PREFIX = 'default_address.';
/** Set by Shopify, never by a mapping. */
const RESERVED = new Set([
  'id',
  'admin_graphql_api_id',
  'created_at',
  'updated_at',
  'orders_count',
  'total_spent',
  'state',
]);
const CONSENT_FIELD = 'email_marketing_consent.state';
/**
 * Canonical consent → Shopify's `email_marketing_consent.state`, as map-in reads it back.
 * `cleaned` has no counterpart an app may set (Shopify's `invalid` is its own verdict on an
 * undeliverable address), so it is never sent.
 */
const CONSENT_STATES: Record<string, string> = {
  subscribed: 'subscribed',
  unsubscribed: 'unsubscribed',
  pending: 'pending',
};
/** ISO 3166-2 subdivision codes ("ON", "KY", "75") are one to three letters or digits. */
const SUBDIVISION_CODE = /^[A-Z0-9]{1,3}$/i;

export type ShopifyBody = { [key: string]: JsonValue };

/** A customer write, split the way Shopify's REST resources take it. */
export interface ShopifyPayload {
  /** The `customer` object of `POST /customers.json` or `PUT /customers/{id}.json`. */
  customer: ShopifyBody;
  /** The default address's fields (`address` of the customer address resource). */
  address: ShopifyBody;
}

export interface MapOutOptions {
  /** The mapped fields to send; default every key of `fields`. */
  keys?: Iterable<string>;
  /**
   * True when the customer is known (an update by id): an empty value clears Shopify's (null;
   * "" for tags). False for a create or a match by email: empty values are left out. The email
   * is never cleared: it is how the person is found again.
   */
  clear: boolean;
}

/**
 * Mapped vendor fields (dot paths) → Shopify's customer and default-address bodies.
 *
 * - `default_address.*` → the address body; a region that looks like a subdivision code goes
 *   to `province_code` (what map-in reads first), a name to `province`. The country is sent as
 *   the upper-case `country_code`.
 * - `tags`: a list becomes Shopify's comma-separated text (`"vip, newsletter"`), which map-in
 *   splits back into the same list.
 * - `email_marketing_consent.state`: the state plus the opt-in level Shopify requires with it.
 * - Any other dot path nests (`note`, `metafield.x` …).
 */
export function mapOut(fields: VendorFields, options: MapOutOptions): ShopifyPayload {
  const customer: ShopifyBody = {};
  const address: ShopifyBody = {};
  for (const key of options.keys ?? Object.keys(fields)) {
    if (RESERVED.has(key) || !(key in fields)) continue;
    const value = fields[key];
    const empty = isEmpty(value);
    if (empty && (!options.clear || key === 'email')) continue;
    if (key.startsWith(ADDRESS_PREFIX)) {
      setAddressField(address, key.slice(ADDRESS_PREFIX.length), empty ? null : value);
    } else if (key === 'tags') {
      customer.tags = empty ? '' : tagsText(value);
    } else if (key === CONSENT_FIELD) {
      const state = typeof value === 'string' ? CONSENT_STATES[value] : undefined;
      if (state) {
        customer.email_marketing_consent = {
          state,
          opt_in_level: state === 'pending' ? 'confirmed_opt_in' : 'single_opt_in',
        };
      }
    } else {
      setPath(customer, key, empty ? null : value);
    }
  }
  return { customer, address };
}

function setAddressField(address: ShopifyBody, field: string, value: JsonValue): void {
  if (field === 'province' || field === 'province_code') {
    const text = typeof value === 'string' ? value.trim() : value;
    if (typeof text === 'string' && SUBDIVISION_CODE.test(text)) {
      address.province_code = text.toUpperCase();
    } else {
      address.province = text;
    }
    return;
  }
  if (field === 'country_code' && typeof value === 'string') {
    address.country_code = value.trim().toUpperCase();
    return;
  }
  setPath(address, field, value);
}

function tagsText(value: JsonValue): JsonValue {
  if (!Array.isArray(value)) return value;
  return value
    .filter((tag): tag is string => typeof tag === 'string' && tag.trim() !== '')
    .map((tag) => tag.trim())
    .join(', ');
}

function isEmpty(value: JsonValue): boolean {
  if (value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
