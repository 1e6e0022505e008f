import { CanonicalTraits } from '../canonical/canonical-traits';

/** The text `GET /v1/profiles?q=` matches (trigram index): names and email, lower-cased. */
export function searchText(traits: CanonicalTraits): string {
  return [traits.firstName, traits.lastName, traits.email]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(' ')
    .toLowerCase();
}
