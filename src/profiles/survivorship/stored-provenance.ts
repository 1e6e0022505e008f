import { smallSort } from '../ingest/small-sort';
import { Provenance, TraitProvenance } from './compute-traits';

/**
 * A profile's provenance as stored in `profile.provenance`: one entry per source record that
 * won at least one trait, listing those traits, rather than one `{connectionId, externalId,
 * updatedAt}` object per trait. Most profiles have a source or two for half a dozen traits, so
 * this is about a fifth of the size, and every ingested profile writes it. Entries are ordered
 * by connection and external id, names alphabetically: equal provenance, equal JSON.
 */
export type StoredProvenance = [
  connectionId: string,
  externalId: string,
  updatedAt: string,
  traits: string[],
][];

export function storeProvenance(provenance: Provenance): StoredProvenance {
  const stored: StoredProvenance = [];
  for (const name of Object.keys(provenance)) {
    const { connectionId, externalId, updatedAt } = provenance[name];
    // A linear search: a profile's traits come from a handful of sources at most.
    let entry: StoredProvenance[number] | undefined;
    for (const candidate of stored) {
      if (
        candidate[0] === connectionId &&
        candidate[1] === externalId &&
        candidate[2] === updatedAt
      ) {
        entry = candidate;
        break;
      }
    }
    if (entry) entry[3].push(name);
    else stored.push([connectionId, externalId, updatedAt, [name]]);
  }
  smallSort(stored, compareEntries);
  for (const entry of stored) smallSort(entry[3]);
  return stored;
}

/** The per-trait map the API shows. Accepts that map itself too (rows stored before 1732320000000). */
export function readProvenance(stored: StoredProvenance | Provenance): Provenance {
  if (!Array.isArray(stored)) return stored;
  const provenance: Provenance = {};
  for (const [connectionId, externalId, updatedAt, names] of stored) {
    const origin: TraitProvenance = { connectionId, externalId, updatedAt };
    for (const name of names) provenance[name] = origin;
  }
  const sorted: Provenance = {};
  for (const name of smallSort(Object.keys(provenance))) sorted[name] = provenance[name];
  return sorted;
}

function compareEntries(a: StoredProvenance[number], b: StoredProvenance[number]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}
