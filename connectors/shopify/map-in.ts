import type { CanonicalAddress, CanonicalTraits, MappedRecord } from '../../src/connector-sdk';
import { customerId } from './customer-id';
import type { ShopifyAddress, ShopifyCustomer } from './types';

/**
 * Shopify's email marketing states → canonical consent. `not_subscribed` (never opted in) is
 * no consent, like `unsubscribed`; `invalid` is an undeliverable address, which the canonical
 * model calls `cleaned`; `redacted` (data erased) says nothing.
 */
const CONSENT: Record<string, CanonicalTraits['emailConsent']> = {
  subscribed: 'subscribed',
  pending: 'pending',
  unsubscribed: 'unsubscribed',
  not_subscribed: 'unsubscribed',
  invalid: 'cleaned',
  redacted: null,
};

/**
 * Shopify customer → canonical record. A field Shopify sent as null or "" means "empty"
 * (null); a field absent from the payload means "Shopify said nothing" (key left out).
 */
export function mapCustomer(raw: ShopifyCustomer): MappedRecord {
  const traits: CanonicalTraits = {};
  assign(traits, 'email', text(raw.email));
  assign(traits, 'phone', text(raw.phone));
  assign(traits, 'firstName', text(raw.first_name));
  assign(traits, 'lastName', text(raw.last_name));
  if ('default_address' in raw) {
    traits.address = raw.default_address ? mapAddress(raw.default_address) : null;
    assign(traits, 'company', text(raw.default_address?.company));
  }
  if (raw.tags !== undefined) traits.tags = splitTags(raw.tags);
  const consent = raw.email_marketing_consent?.state;
  if (consent !== undefined && consent in CONSENT) traits.emailConsent = CONSENT[consent];
  if (raw.state !== undefined) traits.custom = { shopify: { state: raw.state } };

  return { externalId: customerId(raw), updatedAt: updatedAt(raw), traits };
}

function mapAddress(address: ShopifyAddress): CanonicalAddress {
  const mapped: CanonicalAddress = {};
  assign(mapped, 'line1', text(address.address1));
  assign(mapped, 'line2', text(address.address2));
  assign(mapped, 'city', text(address.city));
  // The code ("ON") is stable across languages, unlike the name ("Ontario").
  assign(mapped, 'region', text(address.province_code) ?? text(address.province));
  assign(mapped, 'postalCode', text(address.zip));
  const country = text(address.country_code);
  if (country !== undefined) mapped.country = country === null ? null : country.toUpperCase();
  return mapped;
}

/** `"vip, newsletter"` → `["vip", "newsletter"]`; `""` → `[]`. */
function splitTags(tags: string | null): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function updatedAt(raw: ShopifyCustomer): string {
  const value = raw.updated_at ?? raw.created_at;
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`Shopify customer ${customerId(raw)} has no usable updated_at`);
  }
  return new Date(ms).toISOString();
}

function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function assign<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
