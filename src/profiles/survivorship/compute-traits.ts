import { CanonicalTraits } from '../canonical/canonical-traits';
import { smallSort, sortedKeys } from '../ingest/small-sort';
import { isEmptyValue } from './is-empty-value';

/** What one source record contributes to its profile. */
export interface TraitSource {
  connectionId: string;
  externalId: string;
  /** ISO 8601. */
  updatedAt: string;
  deleted: boolean;
  traits: CanonicalTraits;
  /** Trait name → when the vendor says its value was set, where earlier than `updatedAt`. */
  traitTimes?: Readonly<Record<string, string>> | null;
  /** Traits whose value echoes Syncline's own write to this source's connection (sent-values.ts). */
  echoedTraits?: readonly string[] | null;
}

/** Where a trait's value came from. */
export interface TraitProvenance {
  connectionId: string;
  externalId: string;
  /** When the value was set: the source's `updatedAt`, or the trait's own time where it has one. */
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
 * Connection id → the structured traits its connector holds only part of, with the parts it
 * holds (`ConnectorManifest.partialTraits`). Connections not in it hold whole values.
 */
export type PartialTraitsLookup = ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;

const NO_PARTIAL_TRAITS: PartialTraitsLookup = new Map();

/**
 * Survivorship: for every trait, the winning source is the one with the highest connection
 * priority (when any source has one), then the newest vendor time for that trait (the source's
 * `updatedAt`, or the trait's own time where the vendor gives one), then a fixed order on
 * (connection, external id) so ties resolve identically everywhere. A value a connection
 * handed back after we wrote it there competes as a copy of its origin: with the origin's time
 * (just before it) and without the connection's priority. Sources with an empty value
 * never compete, so empty never overwrites non-empty; deleted sources contribute nothing.
 *
 * Pure and order-independent: the same set of sources gives the same result in any order,
 * which is what makes concurrent ingest converge and merges splittable.
 */
export function computeTraits(
  sources: TraitSource[],
  priorities: PriorityLookup,
  partialTraits: PartialTraitsLookup = NO_PARTIAL_TRAITS,
): ComputedTraits {
  const ranked = smallSort(
    sources.filter((source) => !source.deleted),
    (a, b) => compareSources(a, b, priorities),
  );
  const traits: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  const provenance: Provenance = {};
  let hasCustom = false;
  // Plain loops: this runs for every profile a batch touches.
  for (const source of ranked) {
    const origin = {
      connectionId: source.connectionId,
      externalId: source.externalId,
      updatedAt: source.updatedAt,
    };
    const values = source.traits as Record<string, unknown>;
    for (const name of Object.keys(values)) {
      const value = values[name];
      if (name === 'custom') {
        const namespaces = (value ?? {}) as Record<string, unknown>;
        for (const namespace of Object.keys(namespaces)) {
          const path = `custom.${namespace}`;
          if (provenance[path] || isEmptyValue(namespaces[namespace])) continue;
          custom[namespace] = namespaces[namespace];
          provenance[path] = origin;
          hasCustom = true;
        }
        continue;
      }
      if (provenance[name] || isEmptyValue(value)) continue;
      traits[name] = value;
      provenance[name] = origin;
    }
  }
  redecideDatedTraits(ranked, priorities, traits, provenance);
  if (partialTraits.size > 0) {
    completePartialValues(ranked, priorities, partialTraits, traits, provenance);
  }
  if (hasCustom) traits.custom = sortKeys(custom);
  return { traits: sortKeys(traits) as CanonicalTraits, provenance: sortKeys(provenance) };
}

/**
 * Traits some source dates apart from its record (the ranking above used record times): each
 * goes to the source whose value for it is the newest, priorities first as for every trait.
 */
function redecideDatedTraits(
  ranked: TraitSource[],
  priorities: PriorityLookup,
  traits: Record<string, unknown>,
  provenance: Provenance,
): void {
  // Nearly every profile has none: no set, no second pass.
  let dated: Set<string> | undefined;
  for (const source of ranked) {
    if (source.traitTimes) {
      for (const name of Object.keys(source.traitTimes)) (dated ??= new Set()).add(name);
    }
    for (const name of source.echoedTraits ?? []) (dated ??= new Set()).add(name);
  }
  if (!dated) return;
  for (const name of dated) {
    const winner = bestFor(name, ranked, priorities);
    if (!winner) continue;
    traits[name] = (winner.traits as Record<string, unknown>)[name];
    provenance[name] = {
      connectionId: winner.connectionId,
      externalId: winner.externalId,
      updatedAt: traitTime(winner, name),
    };
  }
}

/**
 * The source whose non-empty value for `name` ranks first by that trait alone: priorities first
 * (none for a copy of our write), then the trait's own time.
 */
function bestFor(
  name: string,
  sources: TraitSource[],
  priorities: PriorityLookup,
): TraitSource | undefined {
  let winner: { source: TraitSource; time: string; priority: number | null } | undefined;
  for (const source of sources) {
    if (isEmptyValue((source.traits as Record<string, unknown>)[name])) continue;
    const time = traitTime(source, name);
    const priority = source.echoedTraits?.includes(name)
      ? null
      : (priorities.get(source.connectionId) ?? null);
    if (
      !winner ||
      compareRanks(source, winner.source, priority, winner.priority, time, winner.time) < 0
    ) {
      winner = { source, time, priority };
    }
  }
  return winner?.source;
}

function traitTime(source: TraitSource, name: string): string {
  return source.traitTimes?.[name] ?? source.updatedAt;
}

/**
 * A winning value from a connector that cannot hold some of its parts (HubSpot's address has
 * no second line) says nothing about those parts: they are taken from the best-ranked other
 * value of the same place held whole, so a CRM outranking the shop keeps the shop's apartment
 * number. That value is the reference as it stands: a part it lacks (the customer removed
 * "Apt 4") stays missing, rather than coming back from a copy further down (a copy ranks by
 * its origin's time, so the customer's own later edit outranks it). A tool's copy of our write
 * serves like any whole value: once the shop holds our completed address, it is what keeps the
 * apartment at the CRM's next edit. Values from other partial connectors never serve. The provenance
 * stays the winner's. A value of another place (a move) lends nothing, and a part the winner's
 * connector holds is never filled: there, absent means cleared.
 */
function completePartialValues(
  ranked: TraitSource[],
  priorities: PriorityLookup,
  partialTraits: PartialTraitsLookup,
  traits: Record<string, unknown>,
  provenance: Provenance,
): void {
  for (const name of Object.keys(traits)) {
    const origin = provenance[name];
    const held = origin && partialTraits.get(origin.connectionId)?.[name];
    const value = traits[name];
    if (!held || !isPlainObject(value)) continue;
    const reference = bestFor(
      name,
      ranked.filter((source) => {
        if (partialTraits.get(source.connectionId)?.[name]) return false;
        const other = (source.traits as Record<string, unknown>)[name];
        return isPlainObject(other) && isSamePlace(value, other);
      }),
      priorities,
    );
    if (!reference) continue;
    const whole = (reference.traits as Record<string, unknown>)[name] as Record<string, unknown>;
    let completed: Record<string, unknown> | undefined;
    for (const part of Object.keys(whole)) {
      if (held.includes(part) || isEmptyValue(whole[part]) || !isEmptyValue(value[part])) continue;
      completed ??= { ...value };
      completed[part] = whole[part];
    }
    if (completed) traits[name] = sortKeys(completed);
  }
}

/**
 * Same first line and country, and the same postcode, or where either has none the same city.
 * The postcode outranks the city so that a corrected city ("Torono") is still the same place;
 * `region` is never compared (one tool writes "ON", another "Ontario").
 */
function isSamePlace(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (!sameText(a.line1, b.line1, false)) return false;
  const both = (part: string) => !isEmptyValue(a[part]) && !isEmptyValue(b[part]);
  if (both('country') && !sameText(a.country, b.country, false)) return false;
  if (both('postalCode')) return sameText(a.postalCode, b.postalCode, true);
  return !both('city') || sameText(a.city, b.city, false);
}

/** Both non-empty text, equal ignoring case and spacing (all spacing for postcodes: "M5J 2N8"). */
function sameText(a: unknown, b: unknown, ignoreAllSpaces: boolean): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const normal = (text: string) =>
    text
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ignoreAllSpaces ? '' : ' ');
  const left = normal(a);
  return left !== '' && left === normal(b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Negative when `a`'s record should win over `b`'s: by their connections' priorities and `updatedAt`. */
function compareSources(a: TraitSource, b: TraitSource, priorities: PriorityLookup): number {
  return compareRanks(
    a,
    b,
    priorities.get(a.connectionId) ?? null,
    priorities.get(b.connectionId) ?? null,
    a.updatedAt,
    b.updatedAt,
  );
}

/** Negative when `a` should win over `b`, given the priority and time each competes with. */
function compareRanks(
  a: TraitSource,
  b: TraitSource,
  pa: number | null,
  pb: number | null,
  aTime: string,
  bTime: string,
): number {
  if (pa !== pb) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pb - pa;
  }
  if (aTime !== bTime) return aTime > bTime ? -1 : 1;
  if (a.connectionId !== b.connectionId) return a.connectionId < b.connectionId ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of sortedKeys(record)) sorted[key] = record[key];
  return sorted;
}
