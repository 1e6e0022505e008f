import {
  assignDefined,
  cleanText,
  type CanonicalAddress,
  type CanonicalTraits,
  type MappedRecord,
} from '../../src/connector-sdk';
import type { MailchimpMember, MergeValue } from './types';

/**
 * Member status → canonical consent. Two statuses state none and map to no trait, so they
 * never win survivorship over a consent another tool recorded: `transactional` (a contact who
 * never opted in to marketing, as Shopify's `not_subscribed`; not an opt-out, which is
 * `unsubscribed`), and `archived` (the member left the audience and maps as deleted).
 */
const CONSENT = new Map<string, NonNullable<CanonicalTraits['emailConsent']>>([
  ['subscribed', 'subscribed'],
  ['unsubscribed', 'unsubscribed'],
  ['pending', 'pending'],
  ['cleaned', 'cleaned'],
]);

/** Merge tags with a canonical trait; any other merge field is kept under `custom.mailchimp`. */
const TRAIT_BY_TAG = {
  FNAME: 'firstName',
  LNAME: 'lastName',
  PHONE: 'phone',
  COMPANY: 'company',
} as const;
const ADDRESS_TAG = 'ADDRESS';

/**
 * Mailchimp member → canonical record. Mailchimp answers every merge field, `""` when empty,
 * which means "empty" (null); a field absent from the record (a webhook delivery carries
 * only some) means "Mailchimp said nothing" (left out).
 */
export function mapMember(raw: MailchimpMember): MappedRecord {
  if (!raw.id) throw new Error('Mailchimp member has no id');
  const traits: CanonicalTraits = {};
  assignDefined(traits, 'email', cleanText(raw.email_address));
  if (raw.merge_fields) mapMergeFields(raw.merge_fields, traits);
  const consent = CONSENT.get(raw.status ?? '');
  if (consent) traits.emailConsent = consent;
  if (raw.language !== undefined) {
    // Mailchimp writes regional languages with an underscore (`es_ES`); BCP 47 uses a hyphen.
    traits.locale = cleanText(raw.language)?.replace(/_/g, '-') ?? null;
  }
  if (raw.tags !== undefined) {
    traits.tags = raw.tags.map((tag) => tag.name.trim()).filter(Boolean);
  }

  const record: MappedRecord = { externalId: raw.id, updatedAt: updatedAt(raw), traits };
  if (raw.status === 'archived') record.deleted = true;
  return record;
}

function mapMergeFields(merges: Record<string, MergeValue>, traits: CanonicalTraits): void {
  const custom: Record<string, unknown> = {};
  for (const [tag, value] of Object.entries(merges)) {
    if (tag in TRAIT_BY_TAG) {
      assignDefined(traits, TRAIT_BY_TAG[tag as keyof typeof TRAIT_BY_TAG], mergeText(value));
    } else if (tag === ADDRESS_TAG) {
      assignDefined(traits, 'address', mapAddress(value));
    } else if (tag !== 'EMAIL') {
      // EMAIL repeats email_address in webhook deliveries.
      custom[tag] = typeof value === 'string' ? (cleanText(value) ?? null) : value;
    }
  }
  if (Object.keys(custom).length > 0) traits.custom = { mailchimp: custom };
}

function mergeText(value: MergeValue | undefined): string | null | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' || value === null || value === undefined) return cleanText(value);
  return undefined;
}

/** The ADDRESS merge field: an object, or `""` when empty. */
function mapAddress(value: MergeValue | undefined): CanonicalAddress | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'object') return undefined;
  const address: CanonicalAddress = {};
  assignDefined(address, 'line1', cleanText(value.addr1));
  assignDefined(address, 'line2', cleanText(value.addr2));
  assignDefined(address, 'city', cleanText(value.city));
  assignDefined(address, 'region', cleanText(value.state));
  assignDefined(address, 'postalCode', cleanText(value.zip));
  const country = cleanText(value.country);
  // Mailchimp stores a two-letter ISO code; anything else cannot be trusted as one.
  if (country === null) address.country = null;
  else if (country !== undefined && /^[a-z]{2}$/i.test(country)) {
    address.country = country.toUpperCase();
  }
  return Object.values(address).some((part) => part) ? address : null;
}

function updatedAt(raw: MailchimpMember): string {
  const value = raw.last_changed || raw.timestamp_opt || raw.timestamp_signup;
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`Mailchimp member ${raw.id} has no usable last_changed`);
  return new Date(ms).toISOString();
}
