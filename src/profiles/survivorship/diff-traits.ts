import { CanonicalTraits } from '../canonical/canonical-traits';
import { stableJson } from '../ingest/stable-json';

export type TraitChanges = Record<string, { before: unknown; after: unknown }>;

/** Trait-level before/after for the change log; empty when nothing changed. */
export function diffTraits(before: CanonicalTraits, after: CanonicalTraits): TraitChanges {
  const changes: TraitChanges = {};
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const name of [...names].sort()) {
    const was = (before as Record<string, unknown>)[name] ?? null;
    const now = (after as Record<string, unknown>)[name] ?? null;
    if (stableJson(was) !== stableJson(now)) changes[name] = { before: was, after: now };
  }
  return changes;
}
