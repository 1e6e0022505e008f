/**
 * The canonical profile shape every connector maps into (`mapIn`) and out of (`mapOut`).
 *
 * Plain TypeScript with no framework import, because connectors depend on it and connectors
 * never import NestJS. Every field is optional: a source record contributes what it knows.
 * `null` means "the vendor says this is empty"; an absent key means "the vendor says nothing".
 * Survivorship treats both as empty, and empty values never overwrite non-empty ones.
 * The store puts the formatted fields in canonical form and leaves out values that are not
 * (canonical-values.ts), whichever connector mapped them.
 */
export const EMAIL_CONSENT_STATES = ['subscribed', 'unsubscribed', 'pending', 'cleaned'] as const;
export type EmailConsent = (typeof EMAIL_CONSENT_STATES)[number];

export interface CanonicalAddress {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  /** ISO-3166 alpha-2, upper case. */
  country?: string | null;
}

export interface CanonicalTraits {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  jobTitle?: string | null;
  address?: CanonicalAddress | null;
  /** BCP 47 tag, e.g. `en-GB`. */
  locale?: string | null;
  /** IANA zone, e.g. `Europe/Paris`. */
  timezone?: string | null;
  emailConsent?: EmailConsent | null;
  /** A set: stored without blanks or repeats, sorted (UTF-16 order), whatever order the tool lists them in. */
  tags?: string[] | null;
  /** Vendor-specific values, namespaced by connector name: `{ hubspot: { lifecyclestage: "lead" } }`. */
  custom?: Record<string, Record<string, unknown>> | null;
}

export const CANONICAL_TRAIT_NAMES = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'company',
  'jobTitle',
  'address',
  'locale',
  'timezone',
  'emailConsent',
  'tags',
  'custom',
] as const satisfies readonly (keyof CanonicalTraits)[];
export type CanonicalTraitName = (typeof CANONICAL_TRAIT_NAMES)[number];
