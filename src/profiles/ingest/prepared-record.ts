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
  /** When this version was seen (ISO 8601 UTC), if the producer said; see IngestItem. */
  observedAt?: string;
  deleted: boolean;
  /**
   * A deletion standing for a record the connection leaves out (see MappedRecord.outOfScope):
   * it removes a live version held, and creates nothing when none is.
   */
  outOfScope?: true;
  traits: CanonicalTraits;
  /** Normalized, valid, not blocked by config; sorted and de-duplicated. */
  identifiers: Identifier[];
  /**
   * Trait name → when its value was set (ISO 8601 UTC), for traits the vendor dates apart from
   * `updatedAt` and earlier than it; absent when there are none.
   */
  traitTimes?: Record<string, string>;
  /**
   * Traits whose value is the echo of Syncline's own write to this connection, set at ingest
   * (recognize-echoes.ts), not part of the vendor's content or its hash; absent when none.
   */
  echoedTraits?: string[];
  /** SHA-256 (hex) of the mapped record: equal hashes mean an identical delivery. */
  hash: string;
  raw: unknown;
}

/** What orders versions of one source record. */
export interface RecordVersion {
  updatedAt: string;
  /** Absent (versions stored before it was recorded) orders as the oldest observation. */
  observedAt?: string | null;
  hash: string;
}

/**
 * Total order on versions of one source record, the same on every worker whatever order they
 * arrive in: vendor time first; for the same vendor time (vendors that stamp to the second),
 * the later observation, which saw the later state; then the content hash, so versions alike
 * in both still resolve the same way everywhere.
 */
export function compareVersions(a: RecordVersion, b: RecordVersion): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
  const aSeen = a.observedAt ?? '';
  const bSeen = b.observedAt ?? '';
  if (aSeen !== bSeen) return aSeen < bSeen ? -1 : 1;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

export function sourceKey(connectionId: string, externalId: string): string {
  return `${connectionId}\u0000${externalId}`;
}
