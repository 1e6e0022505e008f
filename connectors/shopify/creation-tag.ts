import { createHash } from 'node:crypto';

/**
 * A customer Syncline creates without an email or phone carries the tag
 * `syncline-<16 hex digits>`: the start of the SHA-256 of the profile id. Shopify keeps emails
 * and phones unique, so a create retried after its answer was lost finds a customer that has
 * one (the retry is answered "has already been taken"); a customer with only a name has
 * nothing unique, and this tag is what a retry looks for before creating them again.
 *
 * Hex of a hash, not the profile id itself: a tag must not hold a comma (Shopify's separator)
 * and a search value must not hold `:`, `\`, `(` or `)`, whatever a profile id is made of.
 */
const PREFIX = 'syncline-';
const CREATION_TAG = /^syncline-[0-9a-f]{16}$/i;

export function creationTag(profileId: string): string {
  return PREFIX + createHash('sha256').update(profileId).digest('hex').slice(0, 16);
}

export function isCreationTag(tag: string): boolean {
  return CREATION_TAG.test(tag.trim());
}

/** True when Shopify's comma-separated `tags` hold `tag` (ignoring case and surrounding spaces). */
export function hasTag(tags: string | null | undefined, tag: string): boolean {
  const wanted = tag.toLowerCase();
  return (tags ?? '').split(',').some((held) => held.trim().toLowerCase() === wanted);
}

/** The `tags` text of a create or an update: the mapped tags, if any, and `tag`. */
export function withTag(tags: unknown, tag: string): string {
  const mapped = typeof tags === 'string' ? tags.trim() : '';
  if (hasTag(mapped, tag)) return mapped;
  return mapped ? `${mapped}, ${tag}` : tag;
}
