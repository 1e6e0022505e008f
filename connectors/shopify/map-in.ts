import {
  assignDefined,
  cleanText,
  type CanonicalAddress,
  type CanonicalTraits,
  type MappedRecord,
} from '../../src/connector-sdk';
import { isCreationTag } from './creation-tag';
import { customerId } from './customer-id';
import type { ShopifyAddress, ShopifyCustomer } from './types';

/**
 * Shopify's email marketing states that state a consent → canonical consent. The others map
 * to no trait at all, so they never win survivorship over a consent another tool recorded:
 *
 * - `not_subscribed` is the default of every new customer, who never said anything. Reading
 *   it as `unsubscribed` (an opt-out) would let any later Shopify edit unsubscribe the person
 *   wherever consent is pushed, e.g. Mailchimp, where leaving that state needs a new opt-in.
 * - `invalid` and `redacted` (personal data erased) are set by Shopify itself, read-only, and
 *   documented as nothing more; neither is a choice of the customer.
 */
const CONSENT = new Map<string, NonNullable<CanonicalTraits['emailConsent']>>([
  ['subscribed', 'subscribed'],
  ['pending', 'pending'],
  ['unsubscribed', 'unsubscribed'],
]);

/**
 * Shopify customer → canonical record. A field Shopify sent as null or "" means "empty"
 * (null); a field absent from the payload means "Shopify said nothing" (key left out).
 */
export function mapCustomer(raw: ShopifyCustomer): MappedRecord {
  const traits: CanonicalTraits = {};
  assignDefined(traits, 'email', cleanText(raw.email));
  assignDefined(traits, 'phone', cleanText(raw.phone));
  assignDefined(traits, 'firstName', cleanText(raw.first_name));
  assignDefined(traits, 'lastName', cleanText(raw.last_name));
  if ('default_address' in raw) {
    traits.address = raw.default_address ? mapAddress(raw.default_address) : null;
    assignDefined(traits, 'company', cleanText(raw.default_address?.company));
  }
  if (raw.tags !== undefined) traits.tags = splitTags(raw.tags);
  const consent = CONSENT.get(raw.email_marketing_consent?.state ?? '');
  if (consent) traits.emailConsent = consent;
  if (raw.state !== undefined) traits.custom = { shopify: { state: raw.state } };

  const record: MappedRecord = { externalId: customerId(raw), updatedAt: updatedAt(raw), traits };
  // The customer's consent dates from when they gave or withdrew it, not from the record's
  // updated_at, which every order or edit moves: an unsubscribe recorded since in another tool
  // must not lose to a consent this customer gave long ago.
  const consentAt = validTime(raw.email_marketing_consent?.consent_updated_at);
  if (consent && consentAt) record.traitTimes = { emailConsent: consentAt };
  return record;
}

function validTime(value: string | null | undefined): string | undefined {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function mapAddress(address: ShopifyAddress): CanonicalAddress {
  const mapped: CanonicalAddress = {};
  assignDefined(mapped, 'line1', cleanText(address.address1));
  assignDefined(mapped, 'line2', cleanText(address.address2));
  assignDefined(mapped, 'city', cleanText(address.city));
  // The code ("ON") is stable across languages, unlike the name ("Ontario").
  assignDefined(mapped, 'region', cleanText(address.province_code) ?? cleanText(address.province));
  assignDefined(mapped, 'postalCode', cleanText(address.zip));
  const country = cleanText(address.country_code);
  if (country !== undefined) mapped.country = country === null ? null : country.toUpperCase();
  return mapped;
}

/**
 * `"vip, newsletter"` → `["vip", "newsletter"]`; `""` → `[]`. A creation tag (creation-tag.ts)
 * is Syncline's bookkeeping, not the merchant's: left out, it never reaches the profile nor,
 * through it, another tool.
 */
function splitTags(tags: string | null): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '' && !isCreationTag(tag));
}

function updatedAt(raw: ShopifyCustomer): string {
  const time = validTime(raw.updated_at ?? raw.created_at);
  if (time === undefined) {
    throw new Error(`Shopify customer ${customerId(raw)} has no usable updated_at`);
  }
  return time;
}
