import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier } from '../identity/identifier';

/** An ingest item after validation and normalization, ready for identity resolution. */
export interface PreparedRecord {
  /** Position in the caller's array, for error reporting. */
  index: number;
  connectionId: string;
  externalId: string;
  /** Vendor updatedAt, normalized to ISO 8601 UTC with milliseconds. */
  updatedAt: string;
  deleted: boolean;
  traits: CanonicalTraits;
  /** Normalized, valid, not blocked by config; sorted and de-duplicated. */
  identifiers: Identifier[];
  /** SHA-256 (hex) of the mapped record: equal hashes mean an identical delivery. */
  hash: string;
  raw: unknown;
}

/**
 * Total order on versions of one source record: vendor time first, then the content hash,
 * so two different versions stamped with the same time resolve the same way on every worker.
 */
export function compareVersions(
  a: { updatedAt: string; hash: string },
  b: { updatedAt: string; hash: string },
): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

export function sourceKey(connectionId: string, externalId: string): string {
  return `${connectionId}\u0000${externalId}`;
}
