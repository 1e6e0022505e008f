import {
  assignDefined,
  cleanText,
  type CanonicalTraits,
  type MappedRecord,
} from '../../src/connector-sdk';
import { isLeftOut } from './scope';
import type { ZendeskRecord, ZendeskUser } from './types';

/** The custom user field the default mapping writes `company` to. */
export const COMPANY_USER_FIELD = 'company';

/**
 * Zendesk user → canonical record. A field Zendesk sent as null or "" means "empty" (null); a
 * field absent from the payload means "Zendesk said nothing" (key left out).
 *
 * Deleted users (`active: false`; the export keeps returning them) become deletions with no
 * traits: nothing should be learnt again from a person removed from Zendesk. Users the
 * connection leaves out (staff, see scope.ts) are out of scope: Syncline removes a version it
 * holds of them (from when they were an end-user) and creates nothing for the others.
 */
export function mapUser(raw: ZendeskRecord): MappedRecord {
  const externalId = userId(raw);
  const updatedAt = updatedAtOf(raw, externalId);
  if (isLeftOut(raw)) return { externalId, updatedAt, deleted: true, outOfScope: true, traits: {} };
  if (raw.active === false) return { externalId, updatedAt, deleted: true, traits: {} };

  const traits: CanonicalTraits = {};
  assignDefined(traits, 'email', cleanText(raw.email));
  assignDefined(traits, 'phone', cleanText(raw.phone));
  Object.assign(traits, splitName(raw.name, raw));
  assignDefined(traits, 'locale', cleanText(raw.locale));
  // `time_zone` is a Rails zone name ("Copenhagen"); only `iana_time_zone` is canonical.
  assignDefined(traits, 'timezone', cleanText(raw.iana_time_zone));
  if (Array.isArray(raw.tags)) traits.tags = raw.tags.filter((tag) => typeof tag === 'string');
  if (raw.user_fields && COMPANY_USER_FIELD in raw.user_fields) {
    const company = raw.user_fields[COMPANY_USER_FIELD];
    traits.company = cleanText(company === null || company === undefined ? null : String(company));
  }
  const custom: Record<string, unknown> = {};
  if (raw.role !== undefined) custom.role = raw.role;
  const name = cleanText(raw.name);
  if (name !== undefined) custom.name = name;
  if (Object.keys(custom).length > 0) traits.custom = { zendesk: custom };

  return { externalId, updatedAt, traits };
}

/**
 * Zendesk keeps one `name`; the canonical profile has first and last names. Only names that
 * split one way are split: one word is a first name, two words are first and last. Three or
 * more words ("Mary Ann Smith", "Gabriel García Márquez") could split either way, and a wrong
 * guess would overwrite the right names held by other tools (and, after our own write of
 * "Mary Ann" + "Smith", come back as a change): Zendesk then says nothing about them, and
 * keeps the full name in `custom.zendesk.name`.
 *
 * Stand-ins are no name at all: an email address or its local part (what a user created from
 * an email is called), a name without letters (a phone number), the user's external id (the
 * stand-in the write path uses when a profile has nothing better).
 */
export function splitName(
  name: string | null | undefined,
  user: Pick<ZendeskUser, 'email' | 'external_id'> = {},
): Pick<CanonicalTraits, 'firstName' | 'lastName'> {
  const clean = cleanText(name);
  if (!clean) return {};
  const lowered = clean.toLowerCase();
  const localPart = user.email?.trim().toLowerCase().split('@')[0];
  const standIn =
    clean.includes('@') ||
    !/\p{L}/u.test(clean) ||
    lowered === localPart ||
    lowered === user.external_id?.trim().toLowerCase();
  if (standIn) return {};
  const words = clean.split(/\s+/);
  if (words.length === 1) return { firstName: words[0] };
  if (words.length === 2) return { firstName: words[0], lastName: words[1] };
  return {};
}

export function userId(raw: { id: number | string }): string {
  if (typeof raw.id === 'number' || (typeof raw.id === 'string' && raw.id !== '')) {
    return String(raw.id);
  }
  throw new Error('Zendesk user has no id');
}

function updatedAtOf(raw: Pick<ZendeskUser, 'updated_at' | 'created_at'>, id: string): string {
  const value = raw.updated_at ?? raw.created_at;
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`Zendesk user ${id} has no usable updated_at`);
  return new Date(ms).toISOString();
}
