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

/** Equal as stored JSON; most traits are equal strings, which need no serialising. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || stableJson(a) === stableJson(b);
}
