import { CanonicalTraits } from '../canonical/canonical-traits';
import { isEmptyValue } from './is-empty-value';

/** What one source record contributes to its profile. */
export interface TraitSource {
  connectionId: string;
  externalId: string;
  /** ISO 8601. */
  updatedAt: string;
  deleted: boolean;
  traits: CanonicalTraits;
}

/** Where a trait's value came from. */
export interface TraitProvenance {
  connectionId: string;
  externalId: string;
  updatedAt: string;
}

/** Keyed by trait name; `custom` is split per connector namespace (`custom.hubspot`). */
export type Provenance = Record<string, TraitProvenance>;

export interface ComputedTraits {
  traits: CanonicalTraits;
  provenance: Provenance;
}

/** Connection id → priority (higher wins); null or missing means "no priority, recency decides". */
export type PriorityLookup = ReadonlyMap<string, number | null>;

/**
 * Survivorship: for every trait, the winning source is the one with the highest connection
 * priority (when any source has one), then the newest vendor `updatedAt`, then a fixed order on
 * (connection, external id) so ties resolve identically everywhere. Sources with an empty value
 * never compete, so empty never overwrites non-empty; deleted sources contribute nothing.
 *
 * Pure and order-independent: the same set of sources gives the same result in any order,
 * which is what makes concurrent ingest converge and merges splittable.
 */
export function computeTraits(sources: TraitSource[], priorities: PriorityLookup): ComputedTraits {
  const ranked = sources
    .filter((source) => !source.deleted)
    .sort((a, b) => compareSources(a, b, priorities));
  const traits: Record<string, unknown> = {};
  const custom: Record<string, Record<string, unknown>> = {};
  const provenance: Provenance = {};
  for (const source of ranked) {
    const origin = {
      connectionId: source.connectionId,
      externalId: source.externalId,
      updatedAt: source.updatedAt,
    };
    for (const [name, value] of Object.entries(source.traits)) {
      if (name === 'custom') {
        for (const [namespace, values] of Object.entries(value ?? {})) {
          const path = `custom.${namespace}`;
          if (provenance[path] || isEmptyValue(values)) continue;
          custom[namespace] = values as Record<string, unknown>;
          provenance[path] = origin;
        }
        continue;
      }
      if (provenance[name] || isEmptyValue(value)) continue;
      traits[name] = value;
      provenance[name] = origin;
    }
  }
  if (Object.keys(custom).length > 0) traits.custom = sortKeys(custom);
  return { traits: sortKeys(traits) as CanonicalTraits, provenance: sortKeys(provenance) };
}

/** Negative when `a` should win over `b`. */
function compareSources(a: TraitSource, b: TraitSource, priorities: PriorityLookup): number {
  const pa = priorities.get(a.connectionId) ?? null;
  const pb = priorities.get(b.connectionId) ?? null;
  if (pa !== pb) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pb - pa;
  }
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  if (a.connectionId !== b.connectionId) return a.connectionId < b.connectionId ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
