import { CanonicalTraits } from '../canonical/canonical-traits';
import { smallSort } from '../ingest/small-sort';
import { stableJson } from '../ingest/stable-json';

export type TraitChanges = Record<string, { before: unknown; after: unknown }>;

/** Trait-level before/after for the change log; empty when nothing changed. */
export function diffTraits(before: CanonicalTraits, after: CanonicalTraits): TraitChanges {
  const was = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const changes: TraitChanges = {};
  const names = Object.keys(now);
  for (const name of Object.keys(was)) if (!Object.hasOwn(now, name)) names.push(name);
  for (const name of smallSort(names)) {
    const a = was[name] ?? null;
    const b = now[name] ?? null;
    if (!sameValue(a, b)) changes[name] = { before: a, after: b };
  }
  return changes;
}

/**
 * Equal as stored JSON. Most traits are strings, which need no serialising: equal ones are
 * `===`, and a string's JSON (quoted) never equals another value's, which a new profile's
 * trait against nothing (null) shows on every record.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  return stableJson(a) === stableJson(b);
}
